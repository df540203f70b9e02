#!/usr/bin/env bash
# No way out of picketd leaves a peer on the interface without the firewall
# table: SIGTERM, SIGINT and a configuration error found after the interface
# came up (the admin API's port is taken) each take the peers down before
# the table goes; SIGKILL keeps both. Real wireguard-go on both sides; a
# listener on the gateway that only the table keeps members from.
# Usage: stop_fail_closed.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

TABLE="picket_$GW_IF"
DNS_FLAGS=(--dns-upstream plain --dns-server 127.0.0.1@5399 --no-dns-dnssec)

setup_network
# A service on the gateway that members must never reach (like SSH).
ip netns exec "$GW_NS" socat TCP-LISTEN:2222,fork,reuseaddr SYSTEM:'echo open' >/dev/null 2>&1 &

tcp_open() { timeout 4 ip netns exec "$MEM_NS" socat -T1 - "TCP:10.77.0.1:$1,connect-timeout=2" </dev/null 2>/dev/null | grep_quiet open; }
table_exists() { ip netns exec "$GW_NS" nft list table inet "$TABLE" >/dev/null 2>&1; }
peer_count() { ip netns exec "$GW_NS" wg show "$GW_IF" peers 2>/dev/null | grep -c . || true; }

# The member is on the VPN and only the table keeps it from port 2222.
member_connected() {
  client_rehandshake
  member_reaches_gateway 20 || fail "the member does not reach the gateway ($1)"
  table_exists || fail "picketd has no table ($1)"
  tcp_open 2222 && fail "the member reaches the gateway's port 2222 while picketd runs ($1)"
  return 0
}

# After picketd is gone: no peer left, or at least the table still there.
closed_after() {
  local how=$1
  local peers
  peers=$(peer_count)
  if [ "$peers" != 0 ] && ! table_exists; then
    fail "after $how the interface keeps $peers peer(s) without the firewall table"
  fi
  tcp_open 2222 && fail "after $how the member reaches the gateway's port 2222"
  member_cut_off || [ "$peers" != 0 ] || fail "after $how the member still reaches the gateway without a peer"
  return 0
}

start_picketd "${DNS_FLAGS[@]}"
picket member add alice >/dev/null
picket device add alice phone --no-qr --conf "$WORK/a.conf" >/dev/null
client_up <"$WORK/a.conf"

for signal in TERM INT; do
  log "SIG$signal: peers down before the table goes"
  [ -n "$PICKETD_PID" ] || start_picketd "${DNS_FLAGS[@]}"
  member_connected "before SIG$signal"
  kill -"$signal" "$PICKETD_PID"
  status=0
  wait "$PICKETD_PID" || status=$?
  PICKETD_PID=""
  [ $status -eq 0 ] || fail "picketd exited with status $status on SIG$signal"
  closed_after "SIG$signal"
  [ "$(peer_count)" = 0 ] || fail "SIG$signal left peers on the interface"
  table_exists && fail "SIG$signal left the table although the peers are gone"
done

log "a configuration error after the interface came up (the API port is taken)"
ip netns exec "$GW_NS" socat TCP-LISTEN:8080,bind=127.0.0.1,fork,reuseaddr - >/dev/null 2>&1 &
BLOCKER=$!
for _ in $(seq 50); do
  ip netns exec "$GW_NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080' 2>/dev/null && break
  sleep 0.1
done
status=0
ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
  --interface "$GW_IF" --endpoint "$GW_OUTER:51820" "${DNS_FLAGS[@]}" >>"$WORK/picketd.log" 2>&1 || status=$?
[ $status -ne 0 ] || fail "picketd started although its API port was taken"
grep -q "interface ready: 1 peers wanted" "$WORK/picketd.log" ||
  fail "the start did not get as far as the interface (the test no longer covers this path)"
closed_after "a start that failed after the interface came up"
kill "$BLOCKER"
wait "$BLOCKER" 2>/dev/null || true

log "SIGKILL: nothing runs, so the peers and the table both stay"
start_picketd "${DNS_FLAGS[@]}"
member_connected "before SIGKILL"
kill -KILL "$PICKETD_PID"
wait "$PICKETD_PID" 2>/dev/null || true
PICKETD_PID=""
[ "$(peer_count)" = 1 ] || fail "SIGKILL should leave the peer (nothing ran)"
table_exists || fail "SIGKILL left the peer without the table"
closed_after "SIGKILL"
log "restarting after SIGKILL replaces both and serves again"
start_picketd "${DNS_FLAGS[@]}"
member_connected "after the restart"
stop_picketd

log "stop fail-closed: all checks passed"
