#!/usr/bin/env bash
# Runs shellcheck on every shell script (ctest "lint: shellcheck"), warnings
# included; .shellcheckrc at the root says which checks are off and why.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- '*.sh')
[ "${#files[@]}" -gt 0 ] || { echo "check_shell: no scripts listed; run it in a git checkout" >&2; exit 1; }
shellcheck --severity=warning "${files[@]}"
echo "shellcheck: ${#files[@]} scripts clean"
