#!/usr/bin/env bash
# wireguard-go killed under picketd: the interface vanishes with all its
# peers; drift repair must notice, recreate it (addresses, peers, the
# firewall and the resolver still working on it) and a real member must get
# through again. Once while idle, twice during a stream of adds (a change in
# flight gets a clear error and changes nothing). Usage: wireguard_go_crash.sh BUILD_DIR
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/ledger.sh"

setup_network
start_picketd --dns-rate-limit 0
picket member add alice >/dev/null
picket device add alice phone --conf "$WORK/phone.conf" --no-qr >/dev/null
picket device add alice laptop --no-qr --restrict 192.0.2.0/24 --group ops >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the member does not reach the gateway before the crash"
invariant >/dev/null || fail "the invariant does not hold before the crash"

wireguard_go_pid() {
  local pid
  for pid in $(ip netns pids "$GW_NS"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = wireguard-go ] && { echo "$pid"; return 0; }
  done
  return 1
}

# kill_and_wait_for_recreation ROUND: kill -9 wireguard-go, wait until the
# interface is gone, then until picketd has brought a new one up.
kill_and_wait_for_recreation() {
  local old new
  old=$(wireguard_go_pid) || fail "no wireguard-go in the gateway namespace"
  kill -9 "$old"
  for _ in $(seq 100); do ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 || break; sleep 0.1; done
  # Drift repair runs every second here; 30 s is generous on a loaded machine.
  for _ in $(seq 300); do
    new=$(wireguard_go_pid) && [ "$new" != "$old" ] && ip netns exec "$GW_NS" wg show "$GW_IF" >/dev/null 2>&1 &&
      break
    sleep 0.1
  done
  new=$(wireguard_go_pid) && [ "$new" != "$old" ] || fail "picketd did not recreate the interface (round $1)"
}

log "idle: kill -9 wireguard-go"
kill_and_wait_for_recreation 1
grep -q "the interface had vanished and was recreated" "$WORK/picketd.log" ||
  fail "picketd did not say it recreated the interface"
# The peers come back with the interface in the same repair; the checker
# runs once they are there.
for _ in $(seq 100); do invariant >"$WORK/check.out" 2>&1 && break; sleep 0.1; done
invariant || fail "the invariant does not hold after the interface was recreated"
client_rehandshake
member_reaches_gateway || fail "the member does not reach the gateway through the recreated interface"

# A stream of adds; each is acknowledged or refused. Refused ones must have
# changed nothing: the database keeps no device the interface could not take.
stream_adds() {
  local round=$1 i
  for ((i = 0; i < 40; i++)); do
    if picket device add alice "r$round-$i" --no-qr >/dev/null 2>>"$WORK/refused.$round"; then
      echo "alice/r$round-$i" >>"$WORK/acked.$round"
    else
      echo "alice/r$round-$i" >>"$WORK/failed.$round"
    fi
  done
}
for round in 2 3; do
  log "round $round: kill -9 wireguard-go during a stream of adds"
  : >"$WORK/acked.$round"
  : >"$WORK/failed.$round"
  stream_adds "$round" &
  stream=$!
  sleep "0.$((RANDOM % 5 + 2))"
  kill_and_wait_for_recreation "$round"
  wait "$stream"
  for _ in $(seq 100); do invariant >"$WORK/check.out" 2>&1 && break; sleep 0.1; done
  invariant || fail "the invariant does not hold after round $round"
  picket --json device list alice | jq -r '.devices[] | "\(.member)/\(.label)"' | sort >"$WORK/have"
  while read -r name; do
    grep -qxF "$name" "$WORK/have" || fail "acknowledged add $name was lost"
  done <"$WORK/acked.$round"
  while read -r name; do
    grep -qxF "$name" "$WORK/have" && fail "refused add $name is in the database"
  done <"$WORK/failed.$round"
  echo "   $(wc -l <"$WORK/acked.$round") adds acknowledged, $(wc -l <"$WORK/failed.$round") refused while the interface was gone"
  if [ -s "$WORK/failed.$round" ]; then echo "   e.g.: $(head -n1 "$WORK/refused.$round")"; fi
done
client_rehandshake
member_reaches_gateway || fail "the member does not reach the gateway after the last round"
stop_picketd
log "wireguard-go crash: 3 kills, the interface recreated each time, nothing acknowledged lost"
