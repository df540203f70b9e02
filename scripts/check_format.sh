#!/usr/bin/env bash
# Every C++ file as the project's .clang-format writes it (ctest "lint: clang-format").
# Fix with: clang-format -i <file>.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- 'controller/*.cpp' 'controller/*.hpp' 'gateway/*.cpp' \
  'gateway/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
[ "${#files[@]}" -gt 0 ] || { echo "check_format: no C++ files listed; run it in a git checkout" >&2; exit 1; }
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files as .clang-format writes them"
