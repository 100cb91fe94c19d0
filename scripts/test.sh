#!/usr/bin/env bash
# The whole suite on PostgreSQL, then the fast tests on SQLite too; fails on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
url=$(bash scripts/db.sh | tail -1)
export DATABASE_URL="${url#DATABASE_URL=}"
export DJANGO_SETTINGS_MODULE=gonghui.settings.test
mkdir -p var

echo "== lint: ruff, mypy, migrations"
$VENV/bin/ruff check .
$VENV/bin/mypy gonghui
$VENV/bin/python manage.py makemigrations --check --dry-run >/dev/null
DJANGO_SETTINGS_MODULE=gonghui.settings.prod SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  FIELD_ENCRYPTION_KEYS="k2:$(head -c 32 /dev/urandom | base64)" BLIND_INDEX_KEY=ci-check-only \
  ALLOWED_HOSTS=union.example DATABASE_URL="$DATABASE_URL" \
  $VENV/bin/python manage.py check --deploy --fail-level WARNING

echo "== tests on PostgreSQL"
$VENV/bin/pytest -q -p no:cacheprovider tests e2e

echo "== fast tests on SQLite"
DATABASE_URL="sqlite:///$(pwd)/var/test-sqlite.sqlite3" $VENV/bin/pytest -q -p no:cacheprovider \
  -m "not slow and not e2e and not postgres_only" tests
