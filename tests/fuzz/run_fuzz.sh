#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan, UBSan) in their own build
# directory and runs each for SECONDS, from its seeds (seeds/TARGET/) and its
# regression inputs (regressions/TARGET/), which must all pass first. Prints
# the executions per target; exits non-zero on the first crash, leaving the
# crashing input in BUILD_DIR/crashes/TARGET/.
# Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS [TARGET...]
set -euo pipefail
SRC=$(cd "$1" && pwd)
mkdir -p "$2"
# Absolute: each fuzzer runs from a work directory of its own.
BUILD=$(cd "$2" && pwd)
SECONDS_EACH=${3:-20}
shift 3 || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(picket_uapi_decode_fuzz picket_blocklist_fuzz
  picket_netlink_dump_fuzz picket_request_body_fuzz picket_channel_decode_fuzz)
cmake -S "$SRC" -B "$BUILD" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPICKET_BUILD_TESTS=OFF -DPICKET_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
cmake --build "$BUILD" --target "${TARGETS[@]}" -j"$(nproc)" -- --no-print-directory >/dev/null
WORKDIR=$(mktemp -d /tmp/picket-fuzz.XXXXXX)
trap 'rm -rf "$WORKDIR"' EXIT
for target in "${TARGETS[@]}"; do
  binary="$BUILD/tests/fuzz/$target"
  # The regressions alone first: each must run clean.
  if [ -d "$SRC/tests/fuzz/regressions/$target" ] && [ -n "$(ls -A "$SRC/tests/fuzz/regressions/$target")" ]; then
    "$binary" -runs=0 "$SRC/tests/fuzz/regressions/$target"/* >"$WORKDIR/regressions.log" 2>&1 ||
      { tail -n 30 "$WORKDIR/regressions.log"; echo "FAIL: $target: a regression input fails again"; exit 1; }
  fi
  corpus="$WORKDIR/corpus-$target"
  mkdir -p "$corpus" "$BUILD/crashes/$target"
  for dir in seeds regressions; do
    [ -d "$SRC/tests/fuzz/$dir/$target" ] && cp -r "$SRC/tests/fuzz/$dir/$target/." "$corpus/"
  done
  status=0
  (cd "$WORKDIR" && "$binary" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$BUILD/crashes/$target/" -print_final_stats=1 "$corpus") >"$WORKDIR/$target.log" 2>&1 ||
    status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORKDIR/$target.log")
  if [ $status -ne 0 ]; then
    tail -n 40 "$WORKDIR/$target.log"
    echo "FAIL: $target crashed after ${execs:-?} executions; input in $BUILD/crashes/$target/"
    exit 1
  fi
  echo "$target: ${execs:-0} executions in ${SECONDS_EACH} s, no crash"
done
