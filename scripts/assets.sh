#!/usr/bin/env bash
# Fetch pinned front-end packages from the npm registry and copy the files we serve into static/vendor.
# htmx runs on every page; axe-core is loaded only by the end-to-end tests (accessibility checks), from
# the platform itself like everything else (no CDN).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=gonghui/static/vendor
files=(htmx.org/dist/htmx.min.js axe-core/axe.min.js)
fresh=1
for f in "${files[@]}"; do [ -f "$dest/$(basename "$f")" ] || fresh=0; done
if [ "$fresh" = 1 ] && [ "$dest/.stamp" -nt package.json ]; then exit 0; fi
npm install --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$dest"
for f in "${files[@]}"; do cp "node_modules/$f" "$dest/$(basename "$f")"; done
touch "$dest/.stamp"
