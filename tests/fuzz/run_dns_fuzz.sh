#!/usr/bin/env bash
# Builds the DNS wire fuzz target with clang (libFuzzer, ASan, UBSan) in its
# own build directory and runs it for a short while from a seed corpus of
# real queries. Usage: run_dns_fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
set -euo pipefail
SRC=$(cd "$1" && pwd)
BUILD=$2
SECONDS_TO_RUN=${3:-25}
mkdir -p "$BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPICKET_BUILD_TESTS=OFF -DPICKET_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
cmake --build "$BUILD" --target picket_dns_wire_fuzz -j"$(nproc)" -- --no-print-directory >/dev/null
CORPUS=$(mktemp -d /tmp/picket-dns-corpus.XXXXXX)
trap 'rm -rf "$CORPUS"' EXIT
# Seeds: an A query, an EDNS query with DO, a compressed answer.
printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03org\x00\x00\x01\x00\x01' >"$CORPUS/a"
printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01\x03www\x07example\x03org\x00\x00\x1c\x00\x01\x00\x00\x29\x10\x00\x00\x00\x80\x00\x00\x00' >"$CORPUS/edns"
printf '\x00\x00\x81\x80\x00\x01\x00\x02\x00\x00\x00\x00\x03www\x07example\x03org\x00\x00\x01\x00\x01\xc0\x0c\x00\x05\x00\x01\x00\x00\x01\x2c\x00\x06\x03web\xc0\x10\xc0\x2d\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01' >"$CORPUS/answer"
"$BUILD/tests/fuzz/picket_dns_wire_fuzz" -max_total_time="$SECONDS_TO_RUN" -max_len=1500 \
  -print_final_stats=1 "$CORPUS" 2>&1 | tail -n 12
exit "${PIPESTATUS[0]}"
