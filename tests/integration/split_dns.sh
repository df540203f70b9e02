#!/usr/bin/env bash
# A member whose routes come only from its config's AllowedIPs, as the phone
# apps set them (no route added by hand): for a full tunnel and IPv4-only,
# IPv6-only and mixed split tunnels, every address on the config's DNS line
# answers a local device name and a name forwarded upstream. With --no-dns
# the config has neither the DNS line nor routes for it.
# Usage: split_dns.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_upstream.sh"

setup_network
start_test_upstream
start_picketd --dns-upstream plain --dns-server 127.0.0.1@5353 --no-dns-dnssec
picket member add alice >/dev/null

# The member's interface from CONF as an app sets it up: keys and peer from
# the config, its addresses, and one route per AllowedIPs entry, nothing else.
client_up_as_app() {
  local conf=$1 address route
  if ! ip -n "$MEM_NS" link show "$MEM_IF" >/dev/null 2>&1; then
    ip netns exec "$MEM_NS" wireguard-go "$MEM_IF" >/dev/null 2>&1 || fail "wireguard-go did not start"
  fi
  wg-quick strip "$conf" >"$WORK/stripped.conf"
  ip netns exec "$MEM_NS" wg setconf "$MEM_IF" "$WORK/stripped.conf"
  ip -n "$MEM_NS" link set "$MEM_IF" down
  ip -n "$MEM_NS" addr flush dev "$MEM_IF"
  for address in $(sed -n 's/^Address = //p' "$conf" | tr ',' ' '); do
    ip -n "$MEM_NS" addr add "$address" dev "$MEM_IF"
  done
  ip -n "$MEM_NS" link set "$MEM_IF" up
  for route in $(sed -n 's/^AllowedIPs = //p' "$conf" | tr ',' ' '); do
    ip -n "$MEM_NS" route replace "$route" dev "$MEM_IF"
  done
}

# Routes that reach the member's tunnel interface, for the log.
tunnel_routes() {
  { ip -n "$MEM_NS" -4 route show dev "$MEM_IF"; ip -n "$MEM_NS" -6 route show dev "$MEM_IF"; } |
    awk '{ print $1 }' | grep -v '^fe80' | tr '\n' ' '
}

# check_dns NAME [--split CIDR...]: a fresh device NAME, its config, and a
# local and a forwarded name through each of its DNS servers.
check_dns() {
  local name=$1 server answer expected_local
  shift
  picket device add alice "$name" --conf "$WORK/$name.conf" --no-qr "$@" >/dev/null || fail "$name: add failed"
  client_up_as_app "$WORK/$name.conf"
  local servers
  servers=$(sed -n 's/^DNS = //p' "$WORK/$name.conf" | tr ',' ' ')
  [ -n "$servers" ] || fail "$name: the config names no DNS server"
  log "$name ($*): AllowedIPs $(sed -n 's/^AllowedIPs = //p' "$WORK/$name.conf"); routes: $(tunnel_routes)"
  expected_local=$(sed -n 's/^Address = \([0-9.]*\)\/32.*/\1/p' "$WORK/$name.conf")
  for server in $servers; do
    answer=""
    # The first query also waits for the handshake.
    for _ in $(seq 10); do
      answer=$(ip netns exec "$MEM_NS" dig +time=2 +tries=1 @"$server" +short "$name.alice.picket.internal" A 2>/dev/null) &&
        [ -n "$answer" ] && break
    done
    [ "$answer" = "$expected_local" ] || fail "$name: the local name through $server gave '$answer', not $expected_local"
    answer=$(ip netns exec "$MEM_NS" dig +time=2 +tries=1 @"$server" +short www.test.example A 2>/dev/null) || true
    [ "$answer" = 192.0.2.10 ] || fail "$name: the forwarded name through $server gave '$answer'"
    log "   $server answers $name.alice.picket.internal and www.test.example"
  done
  picket device revoke alice "$name" >/dev/null
}

check_dns full
check_dns split4 --split 10.0.0.0/8 192.168.5.0/24
check_dns split6 --split 2001:db8::/32 fd00::/8
check_dns mixed --split 192.168.5.0/24 2001:db8:1::/48 192.168.5.0/24

log "--no-dns: no DNS line, and no route for the gateway's resolvers"
picket device add alice own-dns --conf "$WORK/own-dns.conf" --no-qr --no-dns --split 192.168.5.0/24 >/dev/null
grep -q '^DNS' "$WORK/own-dns.conf" && fail "--no-dns wrote a DNS line"
[ "$(sed -n 's/^AllowedIPs = //p' "$WORK/own-dns.conf")" = 192.168.5.0/24 ] || fail "--no-dns still routes the resolvers"

stop_picketd
log "split-tunnel DNS: all checks passed"
