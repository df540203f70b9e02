#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and start picketd
# on embedded defaults (state in ./state, userspace WireGuard through
# wireguard-go when the kernel has none). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "picket: run this as root (it creates a network interface)" >&2; exit 1; }

# What building and running need; the test tools come with scripts/test.sh.
scripts/deps.sh
echo "picket: building (a few minutes the first time)"
scripts/build.sh -DPICKET_BUILD_TESTS=OFF

STATE=${PICKET_STATE_DIR:-$ROOT/state}
mkdir -p "$STATE" && chmod 700 "$STATE"
if [ -f "$STATE/picketd.pid" ] && kill -0 "$(cat "$STATE/picketd.pid")" 2>/dev/null; then
  echo "picket: stopping the running picketd to start the new build"
  kill "$(cat "$STATE/picketd.pid")"
  for _ in $(seq 50); do kill -0 "$(cat "$STATE/picketd.pid")" 2>/dev/null || break; sleep 0.1; done
fi

# The address members dial: the source address of this host's default route
# (a routing-table lookup; nothing is sent). Change it with `picket init --endpoint`.
HOST=$(ip -4 route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1)
ENDPOINT_ARGS=()
[ -n "$HOST" ] && ENDPOINT_ARGS=(--endpoint "$HOST:51820")

# picketd's log carries no member data (DESIGN.md); it is kept beside the state.
nohup "$ROOT/build/controller/picketd" --state-dir "$STATE" "${ENDPOINT_ARGS[@]}" \
  >>"$STATE/picketd.log" 2>&1 &
echo $! >"$STATE/picketd.pid"
for _ in $(seq 100); do
  [ -S /run/picket/picket.sock ] && "$ROOT/build/controller/picket" init >/dev/null 2>&1 && break
  kill -0 "$(cat "$STATE/picketd.pid")" 2>/dev/null || { echo "picket: picketd failed to start:" >&2; tail -n5 "$STATE/picketd.log" >&2; exit 1; }
  sleep 0.1
done

PICKET="$ROOT/build/controller/picket"
cat <<TEXT

Picket is running (pid $(cat "$STATE/picketd.pid"); log $STATE/picketd.log).
$("$PICKET" init)

Add the first device (the QR code goes into the official WireGuard app):
  $PICKET member add organizer
  $PICKET device add organizer phone
Members dial ${HOST:-<set it: $PICKET init --endpoint HOST:PORT>}:51820; let UDP 51820 in.
Stop picketd:  kill \$(cat $STATE/picketd.pid)
TEXT
