#!/usr/bin/env bash
# Device churn benchmark: one-device add and revoke at N devices, through
# picketd (API with a kept connection, and the CLI) against what web panels
# do for the same change (`wg syncconf` of the full config, with and without
# `wg-quick strip`). Prints figures; not a timed test. See bench/README.md.
#
#   bench/device_churn.sh BUILD_DIR [DEVICES=10000] [ROUNDS=20]
#
# STRIP_ROUNDS (default 3) caps the rounds that run `wg-quick strip`, which
# alone takes seconds at 10,000 peers. LOCKED=1 runs picketd in locked mode,
# where every change re-seals the whole encrypted state (README).
#
# Needs root (a network namespace, wireguard-go). Everything it creates — the
# namespace, its processes, wireguard-go control sockets, the work directory —
# is removed on exit, also on failure or Ctrl-C.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 BUILD_DIR [DEVICES=10000] [ROUNDS=20]" >&2
  exit 2
fi
BIN_DIR=$(cd "$1" && pwd)
DEVICES=${2:-10000}
ROUNDS=${3:-20}
STRIP_ROUNDS=${STRIP_ROUNDS:-3}
LOCKED=${LOCKED:-0}
PICKETD="$BIN_DIR/controller/picketd"
PICKET_CLI="$BIN_DIR/controller/picket"
TOOL="$BIN_DIR/bench/picket_bench_churn"

die() {
  echo "device_churn: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || die "needs root (network namespace, wireguard-go)"
case "$DEVICES$ROUNDS$STRIP_ROUNDS" in
  *[!0-9]*) die "DEVICES, ROUNDS and STRIP_ROUNDS are whole numbers" ;;
esac
[ "$DEVICES" -ge 1 ] && [ "$DEVICES" -le 60000 ] || die "DEVICES must be 1-60000"
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"
for binary in "$PICKETD" "$PICKET_CLI" "$TOOL"; do
  [ -x "$binary" ] || die "$binary is missing; build with tests enabled"
done
for tool in wg wg-quick wireguard-go ip; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# Unique names: wireguard-go's control sockets in /var/run/wireguard are
# shared by all namespaces.
ID=$(( ($$ % 90000) + 10000 ))
NS="pkt-bench-$ID"
PICKET_IF="pb$ID" # picketd's interface
BASE_IF="pq$ID"   # the baseline interface, driven by wg syncconf
WG_SOCKET_DIR=/var/run/wireguard
WORK=$(mktemp -d /tmp/picket-bench.XXXXXX)
SOCK="$WORK/picket.sock"
PICKETD_PID=""

cleanup() {
  local status=$?
  set +e
  trap - INT TERM
  if [ -n "$PICKETD_PID" ]; then
    kill "$PICKETD_PID" 2>/dev/null
    wait "$PICKETD_PID" 2>/dev/null
  fi
  if ip netns list | grep -qw "$NS"; then
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns delete "$NS"
  fi
  rm -f "$WG_SOCKET_DIR/$PICKET_IF.sock" "$WG_SOCKET_DIR/$BASE_IF.sock"
  if [ "$status" -ne 0 ] && [ -f "$WORK/picketd.log" ]; then
    echo "--- picketd log (last lines):" >&2
    tail -n 20 "$WORK/picketd.log" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The pid of the wireguard-go process in our namespace serving interface $1.
wireguard_go_pid() {
  local pid
  for pid in $(ip netns pids "$NS"); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = wireguard-go ] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qw -- "$1"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== device churn benchmark: $DEVICES devices, $ROUNDS rounds ($STRIP_ROUNDS with wg-quick strip)"
echo "   $(nproc) CPU(s): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "   load average at start: $(load_average)"
echo "   $(wg --version | cut -d' ' -f1-2), wireguard-go $(wireguard-go --version 2>&1 | head -n1 | awk '{print $2}')"

ip netns add "$NS"
ip -n "$NS" link set lo up

LOCKED_FLAG=()
[ "$LOCKED" = 1 ] && LOCKED_FLAG=(--locked)
echo "== starting picketd (userspace backend${LOCKED_FLAG:+, locked mode}) in namespace $NS"
ip netns exec "$NS" "$PICKETD" --state-dir "$WORK/state" --socket "$SOCK" \
  --backend userspace --interface "$PICKET_IF" --listen-port 51820 \
  --endpoint 192.0.2.1:51820 --ipv4-subnet 10.88.0.0/16 --ipv6-subnet fd88::/64 \
  "${LOCKED_FLAG[@]}" >>"$WORK/picketd.log" 2>&1 &
PICKETD_PID=$!
ready=""
for _ in $(seq 100); do
  if [ -S "$SOCK" ] && [ "$LOCKED" = 1 ]; then
    echo "benchmark passphrase $ID" | "$PICKET_CLI" --socket "$SOCK" unlock --passphrase-stdin >/dev/null 2>&1 || true
  fi
  if [ -S "$SOCK" ] && "$PICKET_CLI" --socket "$SOCK" status >/dev/null 2>&1; then
    ready=yes
    break
  fi
  kill -0 "$PICKETD_PID" 2>/dev/null || die "picketd exited at start"
  sleep 0.1
done
[ -n "$ready" ] || die "picketd did not open its socket"
PICKET_WG_PID=$(wireguard_go_pid "$PICKET_IF") || die "no wireguard-go process for $PICKET_IF"

echo "== loading $DEVICES devices through the API"
"$TOOL" load "$SOCK" "$DEVICES" "$WORK/peers.conf"
[ "$(ip netns exec "$NS" wg show "$PICKET_IF" peers | wc -l)" -eq "$DEVICES" ] ||
  die "$PICKET_IF does not carry $DEVICES peers after loading"

echo "== baseline: a second wireguard-go interface with the same $DEVICES peers from a .conf"
# wg-quick wants the file named after the interface, and private.
CONF="$WORK/$BASE_IF.conf"
umask 077
{
  echo "[Interface]"
  echo "PrivateKey = $(wg genkey)"
  echo "ListenPort = 51821"
  echo "Address = 10.89.0.1/16, fd89::1/64"
  echo
  cat "$WORK/peers.conf"
} >"$CONF"
ip netns exec "$NS" wireguard-go "$BASE_IF" >>"$WORK/wireguard-go.log" 2>&1 ||
  die "wireguard-go did not start"
start=$(now_ms)
wg-quick strip "$CONF" >"$WORK/base-stripped.conf"
ip netns exec "$NS" wg setconf "$BASE_IF" "$WORK/base-stripped.conf"
ip -n "$NS" link set "$BASE_IF" up
echo "   loaded with wg-quick strip + wg setconf in $(( $(now_ms) - start )) ms"
BASE_WG_PID=$(wireguard_go_pid "$BASE_IF") || die "no wireguard-go process for $BASE_IF"

echo "== measuring ($ROUNDS rounds; each: API add+revoke, CLI add+revoke, syncconf, strip+syncconf)"
ip netns exec "$NS" "$TOOL" measure socket="$SOCK" cli="$PICKET_CLI" \
  picket_if="$PICKET_IF" base_if="$BASE_IF" conf="$CONF" stripped="$WORK/base-stripped.conf" work="$WORK" \
  devices="$DEVICES" rounds="$ROUNDS" strip_rounds="$STRIP_ROUNDS" picketd_pid="$PICKETD_PID" \
  picket_wg_pid="$PICKET_WG_PID" base_wg_pid="$BASE_WG_PID"

kill -0 "$PICKETD_PID" 2>/dev/null || die "picketd died during the benchmark"
echo "load average at the end: $(load_average)"
echo "command: LOCKED=$LOCKED STRIP_ROUNDS=$STRIP_ROUNDS $0 $*"
