#!/usr/bin/env bash
# Benchmark: time until the web admin's device list is usable in headless
# Chromium with 1,000 and 5,000 devices, and the UI's size on the wire.
# picketd runs in a throw-away network namespace (tests/integration/lib.sh);
# the devices are added over its unix socket (the HTTP API would ask for the
# admin password, one Argon2id check per device, on every add).
# Usage (root, after scripts/build.sh): bench/web_list.sh [BUILD_DIR] [COUNTS...]
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build}
shift || true
COUNTS=${*:-1000 5000}
source "$HERE/../tests/integration/lib.sh" "$BUILD"

DIST="$HERE/../web-admin/dist"
[ -f "$DIST/index.html" ] || fail "web-admin/dist is missing: run scripts/build.sh"
echo "== bundle (what a first visit downloads; gzip as served)"
total_raw=0
total_gz=0
for file in "$DIST/index.html" "$DIST"/assets/*.js "$DIST"/assets/*.css; do
  raw=$(stat -c %s "$file")
  gz=$raw
  [ -f "$file.gz" ] && gz=$(stat -c %s "$file.gz")
  printf '   %-34s %7d B  gzip %7d B\n' "${file#"$DIST"/}" "$raw" "$gz"
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
done
awk -v raw="$total_raw" -v gz="$total_gz" \
  'BEGIN { printf "   %-34s %7d B  gzip %7d B (%.1f KB; budget 100 KB: %s)\n", "total", raw, gz, gz / 1000,
           gz <= 100000 ? "within" : "OVER" }'

setup_network
# Not lib.sh's start_picketd: it repairs drift every second (--drift-interval
# 1), which with thousands of peers reads the whole interface every second and
# holds up every API answer. Here picketd runs as deployed (drift repair every
# 60 s). A /18 holds 16,382 devices (the default /24 only 253).
ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
  --interface "$GW_IF" --endpoint "$GW_OUTER:51820" --api-port 18081 --ipv4-subnet 10.77.0.0/18 \
  >>"$WORK/picketd.log" 2>&1 &
PICKETD_PID=$!
for _ in $(seq 100); do
  [ -S "$WORK/picket.sock" ] && grep -q 'one-time setup token' "$WORK/picketd.log" && break
  kill -0 "$PICKETD_PID" 2>/dev/null || fail "picketd exited at start"
  sleep 0.1
done
TOKEN=$(sed -n 's/.*one-time setup token.*: \([^ ]*\)$/\1/p' "$WORK/picketd.log" | tail -n1)
[ -n "$TOKEN" ] || fail "picketd printed no setup token"
export PICKET_URL="http://127.0.0.1:18081" PICKET_SETUP_TOKEN="$TOKEN" PICKET_WEB_DIR="$HERE/../web-admin" PICKET_SOCKET="$WORK/picket.sock"
ip netns exec "$GW_NS" node "$HERE/web_list.mjs" $COUNTS
