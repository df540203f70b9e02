#!/usr/bin/env bash
# Runs web-admin's vitest suite with the C++ renderer at hand.
# Usage: run_vitest.sh WEB_ADMIN_DIR RENDER_TOOL
set -euo pipefail
cd "$1"
if [ ! -d node_modules ]; then
  echo "web-admin/node_modules is missing: run scripts/build.sh (it runs npm ci) first" >&2
  exit 1
fi
PICKET_RENDER_TOOL="$2" exec node_modules/.bin/vitest run --reporter=dot
