#!/usr/bin/env bash
# The controller role on the real userspace backend (wireguard-go) beside
# the single box, at N devices, in one run: a new gateway's full sync
# against `wg setconf` of the same peers (the floor any tool pays) and a
# single box's restart; one device add and revoke reaching two gateways
# against the same on a single box; and the RSS of every process. Prints
# figures; not a timed test. See bench/README.md.
#
#   bench/fleet_userspace.sh BUILD_DIR [DEVICES=10000] [ROUNDS=20]
#
# SYNC_ROUNDS (default 3) is how many full syncs are timed on each side;
# each is a newly enrolled gateway's first start.
#
# Needs root (network namespaces, wireguard-go). Everything it creates — the
# namespaces, their processes, wireguard-go control sockets, the work
# directory — is removed on exit, also on failure or Ctrl-C.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 BUILD_DIR [DEVICES=10000] [ROUNDS=20]" >&2
  exit 2
fi
die() {
  echo "fleet_userspace: $*" >&2
  exit 1
}
[ -d "$1" ] || die "$1 is not a directory"
BIN_DIR=$(cd "$1" && pwd)
DEVICES=${2:-10000}
ROUNDS=${3:-20}
SYNC_ROUNDS=${SYNC_ROUNDS:-3}
PICKETD="$BIN_DIR/controller/picketd"
PICKET_CLI="$BIN_DIR/controller/picket"
AGENT="$BIN_DIR/gateway/picket-gateway"
TOOL="$BIN_DIR/bench/picket_bench_churn"

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, wireguard-go)"
case "$DEVICES$ROUNDS$SYNC_ROUNDS" in
  '' | *[!0-9]*) die "DEVICES, ROUNDS and SYNC_ROUNDS are whole numbers" ;;
esac
if [ "$DEVICES" -lt 1 ] || [ "$DEVICES" -gt 60000 ]; then die "DEVICES must be 1-60000"; fi
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"
[ "$SYNC_ROUNDS" -ge 1 ] || die "SYNC_ROUNDS must be at least 1"
for binary in "$PICKETD" "$PICKET_CLI" "$AGENT" "$TOOL"; do
  [ -x "$binary" ] || die "$binary is missing; build with tests enabled"
done
for tool in wg wireguard-go ip curl jq; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# Unique names: wireguard-go's control sockets in /var/run/wireguard are
# shared by all namespaces, and veth pairs are made in the root namespace.
ID=$((($$ % 90000) + 10000))
CTL_NS="pkt-fc-$ID"   # the controller
ONE_NS="pkt-fo-$ID"   # the single box ("one"), and the floor's interface
ONE_IF="fo$ID"        # the single box's interface
FLOOR_IF="ff$ID"      # a bare wireguard-go interface for `wg setconf`
CTL_ADDRESS=172.31.248.1
GATEWAYS=(a b n) # a and b carry the changes; n is the new gateway of the full syncs
declare -A GW_NS GW_IF GW_PID GW_UPLINK
i=0
for g in "${GATEWAYS[@]}"; do
  GW_NS[$g]="pkt-f$g-$ID"
  GW_IF[$g]="f$g$ID"
  GW_PID[$g]=""
  GW_UPLINK[$g]=$((i * 4))
  i=$((i + 1))
done
WG_SOCKET_DIR=/var/run/wireguard
WORK=$(mktemp -d /tmp/picket-fleet-bench.XXXXXX)
CTL_SOCK="$WORK/controller.sock"
ONE_SOCK="$WORK/single.sock"
CTL_PID=""
ONE_PID=""
LOAD_PID=""
# Only what this run made is removed: a name taken by someone else is theirs.
CREATED_NS=()
# A single box or gateway start at 10,000 devices takes seconds (minutes
# under the sanitizers); give up only when it is clearly stuck.
START_TIMEOUT_S=$((120 + DEVICES / 20))

cleanup() {
  local status=$?
  set +e
  trap - INT TERM
  local ns pid name
  # Logs help only when something broke, not after Ctrl-C.
  if [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; then
    for name in controller single agent-a agent-b agent-n; do
      [ -s "$WORK/$name.log" ] || continue
      echo "--- $name log (last lines):" >&2
      tail -n 15 "$WORK/$name.log" >&2
    done
  fi
  # bash reports each job killed below on stderr: noise, not news.
  exec 2>/dev/null
  for pid in "$LOAD_PID" "$CTL_PID" "$ONE_PID" "${GW_PID[@]}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  done
  for ns in "${CREATED_NS[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns delete "$ns"
  done
  wait
  for name in "$ONE_IF" "$FLOOR_IF" "${GW_IF[@]}"; do rm -f "$WG_SOCKET_DIR/$name.sock"; done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# api SOCKET METHOD PATH [BODY]: one request on its own connection, as the
# CLI makes it; the answer goes to $WORK/answer.json, and "STATUS MS" to
# stdout, MS being curl's own time for the request (connect to answer),
# so process start-up is not counted on either side.
api() {
  local socket=$1 method=$2 path=$3 body=${4:-}
  local data=()
  [ -n "$body" ] && data=(-H 'Content-Type: application/json' --data-binary "$body")
  curl -sS --unix-socket "$socket" -X "$method" "${data[@]}" -o "$WORK/answer.json" \
    -w '%{http_code} %{time_total}\n' "http://localhost/api/v1$path" |
    awk '{ printf "%s %.3f\n", $1, $2 * 1000 }'
}

# api_ok SOCKET METHOD PATH BODY EXPECTED: like api, dies on another status;
# prints MS.
api_ok() {
  local answer
  answer=$(api "$1" "$2" "$3" "$4") || die "$2 $3 failed to connect"
  [ "${answer%% *}" = "$5" ] || die "$2 $3 answered ${answer%% *}: $(cat "$WORK/answer.json")"
  echo "${answer#* }"
}

# wireguard_go_pid NS IF: the wireguard-go process in NS serving IF.
wireguard_go_pid() {
  local pid
  for pid in $(ip netns pids "$1"); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = wireguard-go ] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qw -- "$2"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

peer_count() { ip netns exec "$1" wg show "$2" peers 2>/dev/null | wc -l; }

expect_peers() {
  local actual
  actual=$(peer_count "$1" "$2")
  [ "$actual" -eq "$3" ] || die "$2 holds $actual peers, expected $3 ($4)"
}

# Waits until IF in NS is gone (a stopped wireguard-go removes it).
wait_interface_gone() {
  for _ in $(seq 300); do
    ip -n "$1" link show "$2" >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  die "interface $2 stayed after its wireguard-go was stopped"
}

# VmRSS and VmHWM of PID in kB, "RSS HWM".
memory_of() {
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { print rss + 0, hwm + 0 }' "/proc/$1/status"
}

# median / p90 (nearest rank) of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
quantile() { sort -n | awk -v q="$1" '{ v[NR] = $1 } END { r = int(q * NR); if (r < q * NR) r++; if (r < 1) r = 1; print v[r] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v < 100) printf "%.2f ms", v; else printf "%.0f ms", v }'; }
fmt_mb() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }

# load_devices SOCKET PEERS_OUT: DEVICES devices through the API. In the
# background and waited for, so that a signal reaches the trap at once
# rather than after minutes of loading.
load_devices() {
  "$TOOL" load "$1" "$DEVICES" "$2" &
  LOAD_PID=$!
  wait "$LOAD_PID" || die "loading devices through $1 failed"
  LOAD_PID=""
}

picket_ctl() { "$PICKET_CLI" --socket "$CTL_SOCK" "$@"; }

# wait_socket SOCKET PID NAME: until the daemon answers on SOCKET (polled by
# the bench tool on one connection, so that polling takes no CPU from what
# is timed).
wait_socket() {
  "$TOOL" wait "$1" "$2" "$START_TIMEOUT_S" || die "$3 did not answer on its socket"
}

# The controller's namespace reaches each gateway's over a veth pair of its
# own; the controller's address is on its loopback, routed from each
# gateway, so one enrolment token names it for all.
add_namespace() {
  ip netns add "$1" || die "cannot create namespace $1"
  CREATED_NS+=("$1")
  ip -n "$1" link set lo up
}

setup_network() {
  local g base
  add_namespace "$CTL_NS"
  ip -n "$CTL_NS" addr add "$CTL_ADDRESS/32" dev lo
  add_namespace "$ONE_NS"
  for g in "${GATEWAYS[@]}"; do
    base=${GW_UPLINK[$g]}
    add_namespace "${GW_NS[$g]}"
    # Made inside the namespaces: nothing is left in the root namespace.
    ip link add "bc$g$ID" netns "$CTL_NS" type veth peer name "bu$g$ID" netns "${GW_NS[$g]}"
    ip -n "$CTL_NS" addr add "172.31.249.$((base + 1))/30" dev "bc$g$ID"
    ip -n "${GW_NS[$g]}" addr add "172.31.249.$((base + 2))/30" dev "bu$g$ID"
    ip -n "$CTL_NS" link set "bc$g$ID" up
    ip -n "${GW_NS[$g]}" link set "bu$g$ID" up
    ip -n "${GW_NS[$g]}" route add "$CTL_ADDRESS/32" via "172.31.249.$((base + 1))"
  done
}

start_controller() {
  ip netns exec "$CTL_NS" "$PICKETD" --role controller --state-dir "$WORK/controller" \
    --socket "$CTL_SOCK" --channel-host "$CTL_ADDRESS" --channel-port 51821 \
    --interface "fc$ID" --endpoint 192.0.2.1:51820 --ipv4-subnet 10.88.0.0/16 \
    --ipv6-subnet fd88::/64 --api-port 0 --no-dns >>"$WORK/controller.log" 2>&1 &
  CTL_PID=$!
  wait_socket "$CTL_SOCK" "$CTL_PID" "picketd --role controller"
}

# The single box as the gateways run: firewall on, no uplink, no DNS.
start_single() {
  ip netns exec "$ONE_NS" "$PICKETD" --state-dir "$WORK/single" --socket "$ONE_SOCK" \
    --backend userspace --interface "$ONE_IF" --listen-port 51820 --endpoint 192.0.2.1:51820 \
    --ipv4-subnet 10.88.0.0/16 --ipv6-subnet fd88::/64 --api-port 0 --no-dns --uplink none \
    >>"$WORK/single.log" 2>&1 &
  ONE_PID=$!
}

# enrol G NAME: a new gateway NAME at the controller, its token taken by
# gateway G's picket-gateway into a fresh state directory.
enrol() {
  local g=$1 name=$2 token
  token=$(picket_ctl gateway add "$name" --endpoint "192.0.2.$((10 + ${GW_UPLINK[$g]})):51820" \
    2>/dev/null) || die "picket gateway add $name failed"
  rm -rf "$WORK/gw-$name"
  mkdir -p "$WORK/gw-$name"
  printf '%s\n' "$token" |
    ip netns exec "${GW_NS[$g]}" "$AGENT" enrol - --state-dir "$WORK/gw-$name" \
      >>"$WORK/agent-$g.log" 2>&1 || die "picket-gateway enrol failed for $name"
}

start_agent() {
  local g=$1 name=$2
  ip netns exec "${GW_NS[$g]}" "$AGENT" run --state-dir "$WORK/gw-$name" \
    --interface "${GW_IF[$g]}" --backend userspace --uplink none --no-dns \
    >>"$WORK/agent-$g.log" 2>&1 &
  GW_PID[$g]=$!
}

# wait_current NAME...: until every NAME is connected and current.
wait_current() {
  if ! "$TOOL" wait "$CTL_SOCK" "$CTL_PID" "$START_TIMEOUT_S" "$@"; then
    picket_ctl gateway list >&2 || true
    die "gateways $* did not become current within $START_TIMEOUT_S s"
  fi
}

echo "== fleet on the userspace backend: $DEVICES devices, $ROUNDS change rounds, $SYNC_ROUNDS full syncs"
echo "   $(nproc) CPU(s): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "   load average at start: $(load_average)"
echo "   $(wg --version | cut -d' ' -f1-2), wireguard-go $(wireguard-go --version 2>&1 | head -n1 | awk '{print $2}')"

setup_network
echo "== controller (picketd --role controller), gateways a and b enrolled"
start_controller
enrol a gw-a
enrol b gw-b
echo "== single box (picketd, one interface)"
start_single
wait_socket "$ONE_SOCK" "$ONE_PID" "picketd (single box)"

# Loaded while the gateways are stopped: each add would otherwise wait for
# both gateways, whose cost per change grows with the peers they hold
# (about 10 ms at 1,000 peers, 100 ms at 6,000 on the sanitizer build),
# which makes loading 10,000 take the better part of an hour. A controller
# takes devices once a gateway has been admitted (connected once), so both
# connect, stop, and start again with the whole state.
start_agent a gw-a
start_agent b gw-b
wait_current gw-a gw-b
for g in a b; do
  kill "${GW_PID[$g]}"
  wait "${GW_PID[$g]}" || die "picket-gateway $g exited with an error on SIGTERM"
  GW_PID[$g]=""
done
echo "== loading $DEVICES devices on the controller, gateways stopped"
load_devices "$CTL_SOCK" "$WORK/peers.conf"
start=$(now_ms)
start_agent a gw-a
start_agent b gw-b
wait_current gw-a gw-b
BOTH_SYNC_MS=$(($(now_ms) - start))
echo "   gateways a and b started together: both current after $BOTH_SYNC_MS ms"
for g in a b; do expect_peers "${GW_NS[$g]}" "${GW_IF[$g]}" "$DEVICES" "gateway $g after loading"; done
echo "== loading $DEVICES devices on the single box"
load_devices "$ONE_SOCK" "$WORK/single-peers.conf"
expect_peers "$ONE_NS" "$ONE_IF" "$DEVICES" "the single box after loading"

declare -A WG_PID
for g in a b; do
  WG_PID[$g]=$(wireguard_go_pid "${GW_NS[$g]}" "${GW_IF[$g]}") || die "no wireguard-go for gateway $g"
done
# snapshot_memory FILE: "KEY RSS HWM" per process.
snapshot_memory() {
  local wg_single
  wg_single=$(wireguard_go_pid "$ONE_NS" "$ONE_IF") || die "no wireguard-go for the single box"
  {
    echo "controller $(memory_of "$CTL_PID")"
    echo "gw-a $(memory_of "${GW_PID[a]}")"
    echo "gw-b $(memory_of "${GW_PID[b]}")"
    echo "wg-a $(memory_of "${WG_PID[a]}")"
    echo "wg-b $(memory_of "${WG_PID[b]}")"
    echo "single $(memory_of "$ONE_PID")"
    echo "wg-single $(memory_of "$wg_single")"
  } >"$1"
}
# memory_in FILE KEY: "RSS HWM"
memory_in() { awk -v k="$2" '$1 == k { print $2, $3 }' "$1"; }
snapshot_memory "$WORK/memory-loaded"

# ---- one change reaching two gateways, against the single box -------------
echo "== $ROUNDS rounds of one add and one revoke on each side"
for socket in "$CTL_SOCK" "$ONE_SOCK"; do
  api_ok "$socket" POST /members '{"label":"bench-fleet"}' 201 >/dev/null
done
# Keys made beforehand: `wg genkey` is not what is measured.
mapfile -t KEYS < <(for _ in $(seq $((2 * ROUNDS))); do wg genkey | wg pubkey; done)
DEVICE_PATH=/members/bench-fleet/devices

fleet_add() {
  api_ok "$CTL_SOCK" POST "$DEVICE_PATH" "{\"label\":\"$1\",\"public_key\":\"$2\"}" 201 >>"$WORK/fleet-add"
}
fleet_revoke() {
  api_ok "$CTL_SOCK" DELETE "$DEVICE_PATH/$1" "" 200 >>"$WORK/fleet-revoke"
  # The answer says what each gateway did; a revoke counts only when both applied it.
  jq -e '[.gateways[] | select(.outcome == "applied")] | length == 2' "$WORK/answer.json" >/dev/null ||
    die "a revoke was not applied by both gateways: $(cat "$WORK/answer.json")"
  jq -r '[.gateways[].ms] | max' "$WORK/answer.json" >>"$WORK/gateway-ms"
}
single_add() {
  api_ok "$ONE_SOCK" POST "$DEVICE_PATH" "{\"label\":\"$1\",\"public_key\":\"$2\"}" 201 >>"$WORK/single-add"
}
single_revoke() { api_ok "$ONE_SOCK" DELETE "$DEVICE_PATH/$1" "" 200 >>"$WORK/single-revoke"; }

check_all() {
  local g
  for g in a b; do expect_peers "${GW_NS[$g]}" "${GW_IF[$g]}" "$1" "gateway $g, $2"; done
  expect_peers "$ONE_NS" "$ONE_IF" "$1" "the single box, $2"
}

CHANGES_START=$(now_ms)
for round in $(seq 0 $((ROUNDS - 1))); do
  label=$(printf 'churn%05d' "$round")
  fleet_key=${KEYS[$((2 * round))]}
  single_key=${KEYS[$((2 * round + 1))]}
  # Alternating who goes first, so neither side always follows the other's
  # writes to the same disk.
  if [ $((round % 2)) -eq 0 ]; then
    fleet_add "$label" "$fleet_key"
    single_add "$label" "$single_key"
  else
    single_add "$label" "$single_key"
    fleet_add "$label" "$fleet_key"
  fi
  if [ "$round" -eq 0 ] || [ "$round" -eq $((ROUNDS - 1)) ]; then
    check_all $((DEVICES + 1)) "after an add"
  fi
  if [ $((round % 2)) -eq 0 ]; then
    fleet_revoke "$label"
    single_revoke "$label"
  else
    single_revoke "$label"
    fleet_revoke "$label"
  fi
  if [ "$round" -eq 0 ] || [ "$round" -eq $((ROUNDS - 1)) ]; then
    check_all "$DEVICES" "after a revoke"
  fi
done
CHANGES_S=$((($(now_ms) - CHANGES_START) / 1000))

# ---- full sync: floor, a new gateway, the single box's restart -----------
echo "== $SYNC_ROUNDS full syncs of $DEVICES peers on each side"
{
  echo "[Interface]"
  echo "PrivateKey = $(wg genkey)"
  echo "ListenPort = 51830"
  echo
  cat "$WORK/peers.conf"
} >"$WORK/floor.conf"
chmod 600 "$WORK/floor.conf"

for round in $(seq 1 "$SYNC_ROUNDS"); do
  # The floor: a fresh wireguard-go interface, then the peers in one
  # `wg setconf`, timed inside the namespace (no `ip netns exec` counted).
  # shellcheck disable=SC2016 # the inner shell expands them
  ip netns exec "$ONE_NS" bash -c '
    s=$(date +%s%N); wireguard-go "$1" >/dev/null 2>&1 || exit 1; m=$(date +%s%N)
    wg setconf "$1" "$2" || exit 1; e=$(date +%s%N)
    echo $(((m - s) / 1000000)) $(((e - m) / 1000000))' _ "$FLOOR_IF" "$WORK/floor.conf" \
    >"$WORK/floor-round" || die "the floor's wireguard-go or wg setconf failed"
  read -r start_ms setconf_ms <"$WORK/floor-round"
  echo "$start_ms" >>"$WORK/floor-start-ms"
  echo "$setconf_ms" >>"$WORK/floor-ms"
  expect_peers "$ONE_NS" "$FLOOR_IF" "$DEVICES" "the floor after wg setconf"
  kill "$(wireguard_go_pid "$ONE_NS" "$FLOOR_IF")"
  wait_interface_gone "$ONE_NS" "$FLOOR_IF"
  rm -f "$WG_SOCKET_DIR/$FLOOR_IF.sock"

  # A newly enrolled gateway: from starting picket-gateway until the
  # controller lists it connected and current (it acknowledged the whole
  # state, applied).
  name="gw-new$round"
  enrol n "$name"
  start=$(now_ms)
  start_agent n "$name"
  wait_current "$name"
  echo $(($(now_ms) - start)) >>"$WORK/gateway-sync-ms"
  # The gateway's own apply of the whole state (GatewayNode: WireGuard,
  # firewall sets, zone), from its log line "applied state version V: ... in N ms".
  sed -n 's/.*applied state version .* in \([0-9]*\) ms.*/\1/p' "$WORK/agent-n.log" | tail -n1 \
    >>"$WORK/gateway-apply-ms"
  expect_peers "${GW_NS[n]}" "${GW_IF[n]}" "$DEVICES" "the new gateway once current"
  [ "$(picket_ctl --json gateway list | jq -r --arg n "$name" '.gateways[] | select(.name == $n) | .current')" = true ] ||
    die "picket --json gateway list does not say $name is current"
  if [ "$round" -eq "$SYNC_ROUNDS" ]; then
    MEM_NEW_GW=$(memory_of "${GW_PID[n]}")
    MEM_NEW_WG=$(memory_of "$(wireguard_go_pid "${GW_NS[n]}" "${GW_IF[n]}")")
  fi
  # Not timed: gone again, so that the changes above reached two gateways.
  for pid in $(ip netns pids "${GW_NS[n]}"); do kill -9 "$pid" 2>/dev/null || true; done
  wait "${GW_PID[n]}" 2>/dev/null || true
  GW_PID[n]=""
  wait_interface_gone "${GW_NS[n]}" "${GW_IF[n]}"
  rm -f "$WG_SOCKET_DIR/${GW_IF[n]}.sock"
  picket_ctl gateway remove "$name" >/dev/null || die "picket gateway remove $name failed"

  # The single box restarted: a clean stop takes its interface down, so the
  # start loads every peer again. picketd opens its socket only once the
  # interface holds them (daemon.cpp), so the first answer marks the end.
  kill "$ONE_PID"
  wait "$ONE_PID" || die "picketd (single box) exited with an error on SIGTERM"
  ONE_PID=""
  wait_interface_gone "$ONE_NS" "$ONE_IF"
  start=$(now_ms)
  start_single
  wait_socket "$ONE_SOCK" "$ONE_PID" "picketd (single box)"
  echo $(($(now_ms) - start)) >>"$WORK/single-start-ms"
  expect_peers "$ONE_NS" "$ONE_IF" "$DEVICES" "the single box once it answered"
done

snapshot_memory "$WORK/memory-end"
kill -0 "$CTL_PID" 2>/dev/null || die "the controller died during the benchmark"

# ---- the tables -----------------------------------------------------------
stats() { # FILE: median min max
  echo "$(median <"$1") $(sort -n "$1" | head -n1) $(sort -n "$1" | tail -n1)"
}
read -r floor_med floor_min floor_max < <(stats "$WORK/floor-ms")
read -r start_med _ _ < <(stats "$WORK/floor-start-ms")
read -r gw_med gw_min gw_max < <(stats "$WORK/gateway-sync-ms")
read -r one_med one_min one_max < <(stats "$WORK/single-start-ms")
read -r apply_med apply_min apply_max < <(stats "$WORK/gateway-apply-ms")
floor_total=$(awk -v a="$floor_med" -v b="$start_med" 'BEGIN { print a + b }')

echo
echo "A new gateway's full sync at $DEVICES devices, userspace backend (wireguard-go), $SYNC_ROUNDS runs"
echo
printf '%-52s %10s %10s %10s %9s\n' "" median min max "vs floor"
printf '%-52s %10s %10s %10s %9s\n' "floor: wg setconf onto a fresh wireguard-go" \
  "$(fmt_ms "$floor_med")" "$(fmt_ms "$floor_min")" "$(fmt_ms "$floor_max")" "1.00x"
printf '%-52s %10s %10s %10s %9s\n' "  the same with wireguard-go's start ($(fmt_ms "$start_med"))" \
  "$(fmt_ms "$floor_total")" "" "" ""
printf '%-52s %10s %10s %10s %9s\n' "controller: new gateway started -> listed current" \
  "$(fmt_ms "$gw_med")" "$(fmt_ms "$gw_min")" "$(fmt_ms "$gw_max")" "$(ratio "$gw_med" "$floor_med")"
printf '%-52s %10s %10s %10s %9s\n' "  of which the gateway's own apply (its log)" \
  "$(fmt_ms "$apply_med")" "$(fmt_ms "$apply_min")" "$(fmt_ms "$apply_max")" "$(ratio "$apply_med" "$floor_med")"
printf '%-52s %10s %10s %10s %9s\n' "single box: picketd restarted -> socket answers" \
  "$(fmt_ms "$one_med")" "$(fmt_ms "$one_min")" "$(fmt_ms "$one_max")" "$(ratio "$one_med" "$floor_med")"
echo "  new gateway / floor with wireguard-go's start: $(ratio "$gw_med" "$floor_total");" \
  "new gateway / single box's restart: $(ratio "$gw_med" "$one_med")"
echo "  target (issue): a new gateway's full sync within 1.5x of the floor"
echo "  (each start includes its wireguard-go's start; the gateway's includes enrolment"
echo "   admission and the TLS channel; polled every 5 ms on one connection)"

echo
echo "One change at $DEVICES devices, $ROUNDS rounds (API on the unix socket, curl's time per request)"
echo
printf '%-44s %12s %12s %12s %12s\n' "" "add median" "add p90" "revoke med." "revoke p90"
for side in single fleet; do
  case $side in
    single) title="single box (picketd, one interface)" ;;
    fleet) title="controller, both gateways applied" ;;
  esac
  printf '%-44s %12s %12s %12s %12s\n' "$title" \
    "$(fmt_ms "$(median <"$WORK/$side-add")")" "$(fmt_ms "$(quantile 0.9 <"$WORK/$side-add")")" \
    "$(fmt_ms "$(median <"$WORK/$side-revoke")")" "$(fmt_ms "$(quantile 0.9 <"$WORK/$side-revoke")")"
done
add_ratio=$(ratio "$(median <"$WORK/fleet-add")" "$(median <"$WORK/single-add")")
revoke_ratio=$(ratio "$(median <"$WORK/fleet-revoke")" "$(median <"$WORK/single-revoke")")
printf '%-44s %12s %12s %12s %12s\n' "controller / single box, medians" "$add_ratio" "" "$revoke_ratio" ""
echo "  target (issue): controller <= 2x the single box"
echo "  the slower gateway's own time for a revoke (\"ms\" in the answer): median" \
  "$(fmt_ms "$(median <"$WORK/gateway-ms")"), max $(fmt_ms "$(sort -n "$WORK/gateway-ms" | tail -n1)")"
echo "  ($CHANGES_S s for the rounds, peer counts checked in the first and last)"

echo
echo "Memory at $DEVICES devices: VmRSS (VmHWM, the peak)"
echo
printf '%-36s %26s %26s\n' "" "after loading" "at the end"
mem_row() {
  local title=$1 key=$2 rss hwm end_rss end_hwm
  read -r rss hwm < <(memory_in "$WORK/memory-loaded" "$key")
  read -r end_rss end_hwm < <(memory_in "$WORK/memory-end" "$key")
  printf '%-36s %26s %26s\n' "$title" "$(fmt_mb "$rss") ($(fmt_mb "$hwm"))" \
    "$(fmt_mb "$end_rss") ($(fmt_mb "$end_hwm"))"
}
mem_row "controller picketd" controller
mem_row "picket-gateway a" gw-a
mem_row "picket-gateway b" gw-b
mem_row "  wireguard-go of gateway a" wg-a
mem_row "  wireguard-go of gateway b" wg-b
mem_row "single-box picketd (restarted)" single
mem_row "  its wireguard-go" wg-single
read -r rss hwm <<<"$MEM_NEW_GW"
printf '%-36s %26s\n' "the last new gateway, once current" "$(fmt_mb "$rss") ($(fmt_mb "$hwm"))"
read -r rss hwm <<<"$MEM_NEW_WG"
printf '%-36s %26s\n' "  its wireguard-go" "$(fmt_mb "$rss") ($(fmt_mb "$hwm"))"
sum_rss() {
  local total=0 key rss
  for key in "$@"; do
    read -r rss _ < <(memory_in "$WORK/memory-end" "$key")
    total=$((total + rss))
  done
  echo "$total"
}
fleet_ours=$(sum_rss controller gw-a gw-b)
fleet_all=$(sum_rss controller gw-a gw-b wg-a wg-b)
one_ours=$(sum_rss single)
one_all=$(sum_rss single wg-single)
echo "  at the end, Picket's own processes: fleet $(fmt_mb "$fleet_ours") (controller + 2 gateways)," \
  "single box $(fmt_mb "$one_ours")"
echo "  with wireguard-go: fleet $(fmt_mb "$fleet_all"), single box $(fmt_mb "$one_all")"

echo
echo "load average at the end: $(load_average)"
echo "command: SYNC_ROUNDS=$SYNC_ROUNDS $0 $*"
