#!/usr/bin/env bash
# Serve the demo as production would, on SQLite: DEBUG off (the Chinese 404/500 pages), static files
# collected once into $GONGHUI_VAR_DIR/static (hashed names, .gz/.br beside them) and served compressed
# by whitenoise. The background-job worker runs beside the server; both stop together.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8000}"
PY=.venv/bin/python
export DEBUG="${DEBUG:-false}" STATIC_MANIFEST="${STATIC_MANIFEST:-true}"
var="${GONGHUI_VAR_DIR:-var}"
mkdir -p "$var"

# Collect again only when a static file or an installed package is newer than the last collection.
if [ "$STATIC_MANIFEST" = true ]; then
  manifest="$var/static/staticfiles.json"
  if [ ! -f "$manifest" ] || [ .venv/.installed -nt "$manifest" ] \
    || [ -n "$(find gonghui -path '*/static/*' -newer "$manifest" -print -quit)" ]; then
    echo "整理静态文件 / collecting static files…" >&2
    # axe-core is for the end-to-end tests only (they serve the app folders directly)
    $PY manage.py collectstatic --noinput -v0 --ignore axe.min.js
    touch "$manifest"
  fi
fi

$PY manage.py db_worker --interval 1 >"$var/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
$PY manage.py runserver "127.0.0.1:$PORT" --noreload
