#!/usr/bin/env bash
# `make bench`: benchmarks on PostgreSQL, one JSON line per figure on stdout (progress on stderr).
# Databases: $GONGHUI_BENCH_DB (default gonghui_bench) holds the 1M-member demo federation, seeded once
# and reused while it still holds that many members; ${GONGHUI_BENCH_DB}_import is recreated empty on
# every run for the roster imports.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
DB="${GONGHUI_BENCH_DB:-gonghui_bench}"
MEMBERS="${GONGHUI_BENCH_MEMBERS:-1000000}"

url=$(GONGHUI_PG_DB="$DB" bash scripts/db.sh | tail -1)
export DATABASE_URL="${url#DATABASE_URL=}"
admin_url="${DATABASE_URL%/*}/postgres"
export DJANGO_SETTINGS_MODULE=gonghui.settings.base
export DEBUG=false  # as in production: no query log, no debug pages
export GONGHUI_VAR_DIR="${GONGHUI_VAR_DIR:-$(pwd)/var/bench}"
mkdir -p "$GONGHUI_VAR_DIR"

$VENV/bin/python manage.py migrate --noinput -v0
have=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM members_member" 2>/dev/null || echo 0)
if [ "$have" -lt "$MEMBERS" ]; then
  echo "seeding $MEMBERS members into $DB (once; later runs reuse it) …" >&2
  if [ "$have" -gt 0 ] || psql "$DATABASE_URL" -tAc "SELECT 1 FROM orgs_org WHERE code='530700'" | grep -q 1; then
    psql "$admin_url" -qc "DROP DATABASE \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
    $VENV/bin/python manage.py migrate --noinput -v0
  fi
  start=$(date +%s)
  $VENV/bin/python manage.py seed-demo --members "$MEMBERS" >&2
  echo "seeded in $(( $(date +%s) - start )) s" >&2
  psql "$DATABASE_URL" -qc "VACUUM (ANALYZE) members_member, members_membershipevent, members_household, members_familymember, orgs_org, core_auditevent" >&2
fi

import_db="${DB}_import"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$import_db\" WITH (FORCE)" -c "CREATE DATABASE \"$import_db\""
export IMPORT_DATABASE_URL="${DATABASE_URL%/*}/$import_db"
DATABASE_URL="$IMPORT_DATABASE_URL" $VENV/bin/python manage.py migrate --noinput -v0

exec $VENV/bin/python -m bench.run "$@"
