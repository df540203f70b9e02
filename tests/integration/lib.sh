# shellcheck shell=bash
# Shared helpers for the integration tests: two network namespaces joined by
# a veth pair ("gateway" and "member"), picketd with wireguard-go on the
# gateway side, a wireguard-go client on the member side. Source it with the
# build directory as $1. Everything created is removed on exit, also when a
# test fails or is interrupted.
set -euo pipefail

# `grep -q` stops reading at its first match; the writer then dies of
# SIGPIPE on its next write and, under pipefail, fails the pipeline though
# the line was there (nft writes a listing in many small writes: that made
# firewall_isolation fail now and then). grep_quiet reads to the end.
grep_quiet() { grep "$@" >/dev/null; }

BIN_DIR=$(cd "$1" && pwd)
PICKETD="$BIN_DIR/controller/picketd"
PICKET_CLI="$BIN_DIR/controller/picket"
# Unique names: wireguard-go's control sockets are shared by all namespaces.
ID=$(( ($$ % 90000) + 10000 ))
GW_NS="pkt-gw-$ID"
MEM_NS="pkt-mem-$ID"
GW_IF="pg$ID"
MEM_IF="pm$ID"
GW_VETH="vg$ID"
MEM_VETH="vm$ID"
GW_OUTER=172.31.250.1
MEM_OUTER=172.31.250.2
WORK=$(mktemp -d /tmp/picket-it.XXXXXX)
PICKETD_PID=""

log() { echo "== $*"; }
fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/picketd.log" ]; then echo "--- picketd log:" >&2; tail -n 30 "$WORK/picketd.log" >&2; fi
  exit 1
}

# Tests that create more append a function here (not a trap of their own,
# which would hide the test's exit status from cleanup).
CLEANUP_HOOKS=()

cleanup() {
  local status=$?
  set +e
  local hook
  for hook in "${CLEANUP_HOOKS[@]}"; do "$hook"; done
  [ -n "$PICKETD_PID" ] && kill "$PICKETD_PID" 2>/dev/null && wait "$PICKETD_PID" 2>/dev/null
  for ns in "$GW_NS" "$MEM_NS"; do
    if ip netns list | grep_quiet -w "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
      ip netns delete "$ns"
    fi
  done
  rm -f "/var/run/wireguard/$GW_IF.sock" "/var/run/wireguard/$MEM_IF.sock"
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setup_network() {
  ip netns add "$GW_NS"
  ip netns add "$MEM_NS"
  ip link add "$GW_VETH" type veth peer name "$MEM_VETH"
  ip link set "$GW_VETH" netns "$GW_NS"
  ip link set "$MEM_VETH" netns "$MEM_NS"
  ip -n "$GW_NS" addr add "$GW_OUTER/30" dev "$GW_VETH"
  ip -n "$MEM_NS" addr add "$MEM_OUTER/30" dev "$MEM_VETH"
  for ns in "$GW_NS" "$MEM_NS"; do ip -n "$ns" link set lo up; done
  ip -n "$GW_NS" link set "$GW_VETH" up
  ip -n "$MEM_NS" link set "$MEM_VETH" up
}

picket() { "$PICKET_CLI" --socket "$WORK/picket.sock" "$@"; }

# start_picketd_in STATE [FLAGS...]: picketd on the state directory STATE,
# ready once the CLI gets an answer (a locked picketd answers "locked").
start_picketd_in() {
  local state=$1
  shift
  ip netns exec "$GW_NS" "$PICKETD" --state-dir "$state" --socket "$WORK/picket.sock" \
    --interface "$GW_IF" --endpoint "$GW_OUTER:51820" --drift-interval 1 "$@" >>"$WORK/picketd.log" 2>&1 &
  PICKETD_PID=$!
  local answer
  for _ in $(seq 100); do
    if [ -S "$WORK/picket.sock" ]; then
      answer=$(picket status 2>&1) && return 0
      case $answer in *"picketd is locked"*) return 0 ;; esac
    fi
    kill -0 "$PICKETD_PID" 2>/dev/null || fail "picketd exited at start"
    sleep 0.1
  done
  fail "picketd did not open its socket"
}

start_picketd() { start_picketd_in "$WORK/state" "$@"; }

# A clean stop exits 0; under the sanitizers a leak or error would not.
stop_picketd() {
  kill "$PICKETD_PID"
  local status=0
  wait "$PICKETD_PID" || status=$?
  PICKETD_PID=""
  [ $status -eq 0 ] || fail "picketd exited with status $status on SIGTERM"
}

# Reads `picket device add/reissue` output on stdin, renders its terminal QR
# code to a PBM image (each half block is two modules; scaled 4x) and prints
# what zbarimg decodes from it. With COLUMNS, as a terminal that wide shows
# it: a longer line goes on in the next row.
qr_to_config() {
  local image="$WORK/qr.pbm" columns=${1:-0}
  LC_ALL=C sed -n '/^Device /q; p' |
    LC_ALL=C sed 's/\x1b\[[0-9;]*m//g; s/\xe2\x96\x88/F/g; s/\xe2\x96\x80/T/g; s/\xe2\x96\x84/B/g; s/ /./g' |
    awk -v columns="$columns" '{
      line = $0
      if (columns == 0) { print line; next }
      do { print substr(line, 1, columns); line = substr(line, columns + 1) } while (length(line) > 0)
    }' |
    awk -v scale=4 '
      { rows[NR] = $0; if (length($0) > width) width = length($0) }
      END {
        printf "P1\n%d %d\n", width * scale, NR * 2 * scale
        for (r = 1; r <= NR; r++) {
          for (half = 0; half < 2; half++) {
            line = ""
            for (c = 1; c <= width; c++) {
              ch = substr(rows[r], c, 1)
              dark = (ch == "F") || (half == 0 && ch == "T") || (half == 1 && ch == "B")
              for (s = 0; s < scale; s++) line = line (dark ? "1" : "0")
            }
            for (s = 0; s < scale; s++) print line
          }
        }
      }' >"$image"
  qr_decode "$image"
}

# qr_decode IMAGE: what zbarimg reads from the QR code in IMAGE. QR codes
# only: with every symbology on, zbar once read a stripe of a QR code as a
# six-digit barcode too ("691017" above the config, in a CI run).
qr_decode() {
  # zbarimg reports to D-Bus when it can; there is none here. It adds one
  # newline of its own after the data.
  zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null | sed '${/^$/d}'
}

# wg_client_up NS IFNAME CONF STRIPPED: brings up (or re-configures) a
# wireguard-go client interface in NS from CONF exactly as the QR code
# carries it; the wg form is kept in STRIPPED (for a rehandshake).
wg_client_up() {
  local ns=$1 ifname=$2 conf=$3 stripped=$4
  if ! ip -n "$ns" link show "$ifname" >/dev/null 2>&1; then
    ip netns exec "$ns" wireguard-go "$ifname" >/dev/null 2>&1 || fail "wireguard-go did not start"
  fi
  wg-quick strip "$conf" >"$stripped"
  ip netns exec "$ns" wg setconf "$ifname" "$stripped"
  ip -n "$ns" addr flush dev "$ifname"
  local address
  for address in $(sed -n 's/^Address = //p' "$conf" | tr ',' ' '); do
    ip -n "$ns" addr add "$address" dev "$ifname"
  done
  ip -n "$ns" link set "$ifname" up
  ip -n "$ns" route replace 10.77.0.0/24 dev "$ifname"
}

# The member's client, from the config on stdin.
client_up() {
  cat >"$WORK/$MEM_IF.conf"
  wg_client_up "$MEM_NS" "$MEM_IF" "$WORK/$MEM_IF.conf" "$WORK/stripped.conf"
}

# Drops the client's sessions so the next packet starts a fresh handshake
# (after a peer is removed and re-added on one side, the other side would
# keep its old session for a while).
client_rehandshake() {
  ip netns exec "$MEM_NS" wg setconf "$MEM_IF" /dev/null
  ip netns exec "$MEM_NS" wg setconf "$MEM_IF" "$WORK/stripped.conf"
}

# Succeeds when the member reaches the gateway's tunnel address within ~N s.
member_reaches_gateway() {
  local tries=${1:-10}
  for _ in $(seq "$tries"); do
    ip netns exec "$MEM_NS" ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && return 0
  done
  return 1
}

member_cut_off() {
  # Three silent seconds in a row: no reply gets through any more.
  ! ip netns exec "$MEM_NS" ping -c3 -i0.5 -W1 10.77.0.1 >/dev/null 2>&1
}

gateway_peers() { ip netns exec "$GW_NS" wg show "$GW_IF" peers; }
