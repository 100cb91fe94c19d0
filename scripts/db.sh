#!/usr/bin/env bash
# Make sure a PostgreSQL 15 server answers on 127.0.0.1 and holds a `gonghui` role that may create
# databases. Installs Debian's postgresql when absent. Last line printed: DATABASE_URL=...
set -euo pipefail
PGPORT="${PGPORT:-5432}"
PGUSER_NAME="${GONGHUI_PG_USER:-gonghui}"
PGPASS="${GONGHUI_PG_PASSWORD:-gonghui}"
DBNAME="${GONGHUI_PG_DB:-gonghui}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sudo -u postgres sh -c "$*"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)…" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi

if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -q "^${version}/main$"; then
    $SUDO pg_createcluster "$version" main -p "$PGPORT" >&2
  fi
  $SUDO pg_ctlcluster "$version" main start >&2 || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p "$PGPORT" || { echo "PostgreSQL did not start on 127.0.0.1:$PGPORT" >&2; exit 1; }
fi

as_postgres "psql -p $PGPORT -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_NAME'\"" | grep -q 1 \
  || as_postgres "psql -p $PGPORT -qc \"CREATE ROLE $PGUSER_NAME LOGIN CREATEDB PASSWORD '$PGPASS'\"" >&2
as_postgres "psql -p $PGPORT -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DBNAME'\"" | grep -q 1 \
  || as_postgres "psql -p $PGPORT -qc \"CREATE DATABASE $DBNAME OWNER $PGUSER_NAME\"" >&2
echo "DATABASE_URL=postgres://$PGUSER_NAME:$PGPASS@127.0.0.1:$PGPORT/$DBNAME"
