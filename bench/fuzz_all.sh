#!/usr/bin/env bash
# Every libFuzzer target, SECONDS each (default 600), in a clang build of its
# own (BUILD_DIR, default build-fuzz): the DNS wire parser and the parsers
# run_fuzz.sh knows (wireguard-go's UAPI replies, the kernel's WireGuard
# dumps, blocklist files, the admin API's bodies and targets). Prints the
# executions per target; a crash stops it and leaves the input in
# BUILD_DIR/crashes/TARGET/ (keep it in tests/fuzz/regressions/TARGET/ with
# the fix). Usage: bench/fuzz_all.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-600}
BUILD=${2:-$SRC/build-fuzz}
"$SRC/tests/fuzz/run_dns_fuzz.sh" "$SRC" "$BUILD" "$SECONDS_EACH" | grep -E "stat::number_of_executed_units|Done|ERROR" |
  sed 's/^/picket_dns_wire_fuzz: /'
"$SRC/tests/fuzz/run_fuzz.sh" "$SRC" "$BUILD" "$SECONDS_EACH"
