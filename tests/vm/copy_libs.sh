#!/bin/bash
# Copies the shared libraries (and the dynamic loader) that the given
# programs need into ROOT, at the same paths, as ldd reports them.
#   usage: copy_libs.sh ROOT PROGRAM...
set -euo pipefail
root=$1
shift
for program in "$@"; do
  ldd "$program" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
