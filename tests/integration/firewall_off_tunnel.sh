#!/usr/bin/env bash
# The gateway's tunnel addresses answer only through the tunnel. An uplink
# neighbour (the "internet" namespace) routes the tunnel subnets to the
# gateway and tries the admin API, ping and DNS on 10.77.0.1 / fd77:77::1,
# and DNS queries forged (raw sockets) with a member's tunnel address as the
# source, which would send the answer into that member's tunnel. All of it
# must get nothing, while the member through its tunnel keeps every service.
# Only picketd's own table is in force (no host firewall).
# Usage: firewall_off_tunnel.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

INET_NS="pkt-inet-$ID"
UP_GW="ug$ID"
UP_INET="ui$ID"
FORGE="$(dirname "$0")/forge_dns.py"

off_tunnel_cleanup() {
  if ip netns list | grep_quiet -w "$INET_NS"; then
    for pid in $(ip netns pids "$INET_NS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns delete "$INET_NS"
  fi
}
CLEANUP_HOOKS+=(off_tunnel_cleanup)

setup_network
ip netns add "$INET_NS"
ip link add "$UP_GW" type veth peer name "$UP_INET"
ip link set "$UP_GW" netns "$GW_NS"
ip link set "$UP_INET" netns "$INET_NS"
ip -n "$GW_NS" addr add 198.18.0.1/24 dev "$UP_GW"
ip -n "$GW_NS" addr add 2001:db8:1::1/64 dev "$UP_GW" nodad
ip -n "$INET_NS" addr add 198.18.0.2/24 dev "$UP_INET"
ip -n "$INET_NS" addr add 2001:db8:1::2/64 dev "$UP_INET" nodad
ip -n "$GW_NS" link set "$UP_GW" up
ip -n "$INET_NS" link set "$UP_INET" up
ip -n "$INET_NS" link set lo up
ip -n "$GW_NS" route add default via 198.18.0.2
ip -n "$GW_NS" -6 route add default via 2001:db8:1::2
# The neighbour sends everything for the tunnel subnets to the gateway.
ip -n "$INET_NS" route add 10.77.0.0/24 via 198.18.0.1
ip -n "$INET_NS" -6 route add fd77:77::/64 via 2001:db8:1::1

# No upstream: the local zone answers without one.
start_picketd --dns-upstream plain --dns-server 127.0.0.1@5399 --no-dns-dnssec
picket member add alice >/dev/null
picket device add alice phone --no-qr --conf "$WORK/a.conf" >/dev/null
client_up <"$WORK/a.conf"
ip -n "$MEM_NS" route replace fd77:77::/64 dev "$MEM_IF"
member_reaches_gateway || fail "the member does not reach the gateway"

api_status() {  # NS URL -> HTTP status, 000 when nothing answered
  ip netns exec "$1" curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$2" || true
}
pings() { ip netns exec "$1" ping -c2 -i0.3 -W1 "$2" >/dev/null 2>&1; }
resolves() {  # NS SERVER -> the member's name resolves there
  ip netns exec "$1" dig +time=2 +tries=2 @"$2" +short phone.alice.picket.internal A 2>/dev/null |
    grep -qx 10.77.0.2
}
# The forged query's answer would go to the member's own address and port;
# a listener there says whether anything came back through the tunnel.
reflected() {  # SRC DST -> an answer reached the member
  local src=$1 dst=$2 port=$(( 20000 + RANDOM % 20000 )) listener status=0
  ip netns exec "$MEM_NS" python3 "$FORGE" listen "$src" "$port" 4 >"$WORK/reflected" 2>&1 &
  listener=$!
  sleep 0.5
  ip netns exec "$INET_NS" python3 "$FORGE" send "$src" "$port" "$dst" phone.alice.picket.internal 5 ||
    fail "could not send the forged queries"
  wait "$listener" || status=$?
  [ $status -eq 0 ]
}

log "the member, through its tunnel: API, ping and DNS on both tunnel addresses"
[ "$(api_status "$MEM_NS" http://10.77.0.1:8080/api/v1/session)" != 000 ] || fail "the member gets no API answer"
pings "$MEM_NS" 10.77.0.1 || fail "the member cannot ping 10.77.0.1"
pings "$MEM_NS" fd77:77::1 || fail "the member cannot ping fd77:77::1"
resolves "$MEM_NS" 10.77.0.1 || fail "the member gets no DNS answer on 10.77.0.1"
resolves "$MEM_NS" fd77:77::1 || fail "the member gets no DNS answer on fd77:77::1"

log "the uplink neighbour reaches the gateway's uplink address (the test's control)"
pings "$INET_NS" 198.18.0.1 || fail "the neighbour cannot reach the gateway at all (test broken)"
pings "$INET_NS" 2001:db8:1::1 || fail "the neighbour cannot reach the gateway over IPv6 (test broken)"

log "the uplink neighbour gets nothing from the tunnel addresses"
STATUS=$(api_status "$INET_NS" http://10.77.0.1:8080/api/v1/session)
[ "$STATUS" = 000 ] || fail "the admin API answered the uplink neighbour on 10.77.0.1 (HTTP $STATUS)"
pings "$INET_NS" 10.77.0.1 && fail "10.77.0.1 answers pings from the uplink"
pings "$INET_NS" fd77:77::1 && fail "fd77:77::1 answers pings from the uplink"
resolves "$INET_NS" 10.77.0.1 && fail "the resolver answered the uplink neighbour on 10.77.0.1"
resolves "$INET_NS" fd77:77::1 && fail "the resolver answered the uplink neighbour on fd77:77::1"

log "forged member sources from the uplink: no answer reflected into the member's tunnel"
reflected 10.77.0.2 10.77.0.1 && fail "a DNS query forged as 10.77.0.2 was answered into the member's tunnel"
reflected fd77:77::2 fd77:77::1 && fail "a DNS query forged as fd77:77::2 was answered into the member's tunnel"

log "and the member still has everything"
resolves "$MEM_NS" 10.77.0.1 || fail "the member lost DNS"
[ "$(api_status "$MEM_NS" http://10.77.0.1:8080/api/v1/session)" != 000 ] || fail "the member lost the API"
# The listener works: a real answer through the tunnel reaches it.
PORT=$(( 20000 + RANDOM % 20000 ))
ip netns exec "$MEM_NS" python3 "$FORGE" listen 10.77.0.2 "$PORT" 4 >"$WORK/control" 2>&1 &
LISTENER=$!
sleep 0.5
ip netns exec "$MEM_NS" python3 "$FORGE" send 10.77.0.2 "$PORT" 10.77.0.1 phone.alice.picket.internal 5
wait "$LISTENER" || fail "the member's own raw query got no answer (the reflection check is blind)"

stop_picketd
log "off-tunnel: all checks passed"
