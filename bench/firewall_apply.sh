#!/bin/sh
# Runs the firewall benchmark in a throw-away network namespace (root).
#   usage: bench/firewall_apply.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../tests/integration/netns_run.sh" "$1/bench/picket_bench_firewall"
