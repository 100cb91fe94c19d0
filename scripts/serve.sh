#!/usr/bin/env bash
# Serve the app and run the background-job worker beside it; both stop together.
set -euo pipefail
PORT="${1:-8000}"
PY=.venv/bin/python
$PY manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
$PY manage.py runserver "127.0.0.1:$PORT" --noreload
