#!/usr/bin/env bash
# Fetch pinned front-end packages from the npm registry and copy the files we serve into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=gonghui/static/vendor
if [ -f "$dest/htmx.min.js" ] && [ "$dest/.stamp" -nt package.json ]; then exit 0; fi
npm install --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
touch "$dest/.stamp"
