#!/usr/bin/env bash
# The long crash test: kill -9 picketd KILLS times (default 250) during a
# stream of adds, revokes and reissues, checking the invariant, the
# database's integrity and the acknowledged changes after every restart.
# CI runs the same script with fewer kills (tests/reliability/CMakeLists.txt).
# Run as root: bench/crash_restart.sh BUILD_DIR [KILLS]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
started=$(date +%s)
"$HERE/../tests/reliability/crash_restart.sh" "${1:?usage: crash_restart.sh BUILD_DIR [KILLS]}" "${2:-250}"
echo "took $(( $(date +%s) - started )) s"
