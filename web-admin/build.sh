#!/usr/bin/env bash
# Installs web-admin's npm packages from the lockfile and builds dist/, which
# CMake embeds into picketd. Quiet, and a no-op when nothing changed: npm ci
# runs only when package-lock.json is newer than node_modules, the build only
# when a source is newer than dist/. Called by scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1; then
  echo "picket: npm is not installed; picketd is built without the web admin UI (scripts/deps.sh installs it)" >&2
  exit 0
fi

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch "$stamp"
fi

if [ -f dist/index.html ] &&
   [ -z "$(find src public index.html vite.config.ts tsconfig.json package-lock.json -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
# Vite writes everything anew; a failed build leaves no half-written dist/.
if ! output=$(npm run --silent build 2>&1); then
  echo "$output" >&2
  echo "picket: the web admin build failed" >&2
  exit 1
fi
# The one line worth seeing from a good build: the bundle's size.
grep -o 'web-admin bundle: .*' <<<"$output" || true
