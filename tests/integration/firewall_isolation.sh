#!/usr/bin/env bash
# The gateway firewall with real packets: picketd (wireguard-go) in a gateway
# namespace with an uplink veth to an "internet" namespace running TCP and UDP
# echo servers that answer with the address they saw; two members behind
# wireguard-go. NAT (v4, v6), member isolation (global switch, groups),
# per-device restriction, the gateway's closed ports, revocation, bad input
# and clean shutdown. Usage: firewall_isolation.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

INET_NS="pkt-inet-$ID"
MEM2_NS="pkt-mem2-$ID"
MEM2_IF="pn$ID"
UP_GW="ug$ID"
UP_INET="ui$ID"
M2_GW="wg$ID"
M2_MEM="wm$ID"
TABLE="picket_$GW_IF"

firewall_cleanup() {
  local ns
  for ns in "$INET_NS" "$MEM2_NS"; do
    if ip netns list | grep_quiet -w "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
      ip netns delete "$ns"
    fi
  done
  rm -f "/var/run/wireguard/$MEM2_IF.sock"
}
CLEANUP_HOOKS+=(firewall_cleanup)

setup_network
ip netns add "$INET_NS"
ip netns add "$MEM2_NS"
ip link add "$UP_GW" type veth peer name "$UP_INET"
ip link set "$UP_GW" netns "$GW_NS"
ip link set "$UP_INET" netns "$INET_NS"
ip link add "$M2_GW" type veth peer name "$M2_MEM"
ip link set "$M2_GW" netns "$GW_NS"
ip link set "$M2_MEM" netns "$MEM2_NS"
ip -n "$GW_NS" addr add 198.18.0.1/24 dev "$UP_GW"
ip -n "$GW_NS" addr add 2001:db8:1::1/64 dev "$UP_GW" nodad
ip -n "$INET_NS" addr add 198.18.0.2/24 dev "$UP_INET"
ip -n "$INET_NS" addr add 198.18.0.3/24 dev "$UP_INET"
ip -n "$INET_NS" addr add 2001:db8:1::2/64 dev "$UP_INET" nodad
ip -n "$GW_NS" addr add 172.31.251.1/30 dev "$M2_GW"
ip -n "$MEM2_NS" addr add 172.31.251.2/30 dev "$M2_MEM"
for link in "$GW_NS $UP_GW" "$INET_NS $UP_INET" "$GW_NS $M2_GW" "$MEM2_NS $M2_MEM" "$INET_NS lo" "$MEM2_NS lo"; do
  set -- $link
  ip -n "$1" link set "$2" up
done
ip -n "$GW_NS" route add default via 198.18.0.2
ip -n "$GW_NS" -6 route add default via 2001:db8:1::2
ip -n "$MEM2_NS" route add default via 172.31.251.1

# The internet's echo servers answer with the source address they saw.
# ipv6only: the IPv6 sockets would otherwise also claim IPv4's port.
for proto in TCP-LISTEN UDP-RECVFROM TCP6-LISTEN:7000,ipv6only=1 UDP6-RECVFROM:7000,ipv6only=1; do
  case $proto in *:*) ;; *) proto="$proto:7000" ;; esac
  ip netns exec "$INET_NS" socat "$proto,fork,reuseaddr" SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1 &
done
# A listener on the gateway that the tunnel must not reach (picketd's own
# resolver serves 53, which must be reachable).
ip netns exec "$GW_NS" socat TCP-LISTEN:2222,fork,reuseaddr SYSTEM:'echo open' >/dev/null 2>&1 &

# An unrelated table the admin owns: Picket must never touch it.
ip netns exec "$GW_NS" nft -f - <<'NFT'
table inet bystander {
  chain input { type filter hook input priority 10; policy accept; tcp dport 9 counter drop; }
}
NFT
BYSTANDER=$(ip netns exec "$GW_NS" nft list table inet bystander)
FORWARD_BEFORE=$(ip netns exec "$GW_NS" sysctl -n net.ipv4.ip_forward)

echo_from() {  # NS PROTO(tcp|udp|tcp6|udp6) HOST -> what the far side saw
  local ns=$1 proto=$2 host=$3 target
  case $proto in
    tcp) target="TCP:$host:7000,connect-timeout=2" ;;
    udp) target="UDP:$host:7000" ;;
    tcp6) target="TCP6:[$host]:7000,connect-timeout=2" ;;
    udp6) target="UDP6:[$host]:7000" ;;
  esac
  # A few tries: UDP has no retransmission and the machine may be busy.
  local answer="" _try
  for _try in 1 2 3; do
    answer=$(echo hi | timeout 4 ip netns exec "$ns" socat -T2 - "$target" 2>/dev/null || true)
    [ -n "$answer" ] && break
  done
  echo "$answer"
}
reaches() { [ -n "$(echo_from "$@")" ]; }
pings() { ip netns exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1 || ip netns exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1; }
tcp_open() { timeout 4 ip netns exec "$1" socat -T1 - "TCP:$2:$3,connect-timeout=2" </dev/null >/dev/null 2>&1; }

# A member namespace's wireguard-go client from its config (NS IF CONF).
member_up() {
  local ns=$1 ifname=$2 conf=$3
  ip netns exec "$ns" wireguard-go "$ifname" >/dev/null 2>&1 || fail "wireguard-go did not start"
  wg-quick strip "$conf" >"$conf.stripped"
  ip netns exec "$ns" wg setconf "$ifname" "$conf.stripped"
  for address in $(sed -n 's/^Address = //p' "$conf" | tr ',' ' '); do
    ip -n "$ns" addr add "$address" dev "$ifname"
  done
  ip -n "$ns" link set "$ifname" up
  for net in 10.77.0.0/24 fd77:77::/64 198.18.0.0/24 2001:db8:1::/64; do
    ip -n "$ns" route add "$net" dev "$ifname"
  done
}

start_picketd
ip netns exec "$GW_NS" nft list table inet "$TABLE" >/dev/null || fail "picketd made no table $TABLE"
[ "$(ip netns exec "$GW_NS" sysctl -n net.ipv4.ip_forward)" = 1 ] || fail "IPv4 forwarding is off"
grep -q "NAT out of uplink $UP_GW" "$WORK/picketd.log" || fail "the uplink was not found from the default route"

picket member add alice >/dev/null
picket member add bob >/dev/null
picket device add alice phone --no-qr --conf "$WORK/a.conf" >/dev/null
picket device add bob laptop --no-qr --conf "$WORK/b.conf" >/dev/null
member_up "$MEM_NS" "$MEM_IF" "$WORK/a.conf"
member_up "$MEM2_NS" "$MEM2_IF" "$WORK/b.conf"
A=$(sed -n 's/^Address = \([0-9.]*\)\/32.*/\1/p' "$WORK/a.conf")
B=$(sed -n 's/^Address = \([0-9.]*\)\/32.*/\1/p' "$WORK/b.conf")
pings "$MEM_NS" 10.77.0.1 || fail "member A does not reach the gateway"
pings "$MEM2_NS" 10.77.0.1 || fail "member B does not reach the gateway"

log "NAT: the internet sees the gateway's address, v4 and v6, TCP and UDP"
[ "$(echo_from "$MEM_NS" tcp 198.18.0.2)" = 198.18.0.1 ] || fail "TCP: the far side did not see the gateway's IPv4 address"
[ "$(echo_from "$MEM_NS" udp 198.18.0.2)" = 198.18.0.1 ] || fail "UDP: the far side did not see the gateway's IPv4 address"
SEEN=$(echo_from "$MEM_NS" tcp6 2001:db8:1::2)
[ "$SEEN" = "[2001:0db8:0001:0000:0000:0000:0000:0001]" ] || fail "TCP6: the far side saw '$SEEN', not the gateway's IPv6 address"
SEEN=$(echo_from "$MEM_NS" udp6 2001:db8:1::2)
[ "$SEEN" = "[2001:0db8:0001:0000:0000:0000:0000:0001]" ] || fail "UDP6: the far side saw '$SEEN', not the gateway's IPv6 address"
# Nothing from the internet side opens a connection into the tunnel.
ip -n "$INET_NS" route add 10.77.0.0/24 via 198.18.0.1
pings "$INET_NS" "$A" && fail "the internet reaches a member through the gateway"

log "isolation: A and B cannot reach each other; the global switch and groups allow it"
pings "$MEM_NS" "$B" && fail "member A reaches member B while isolated"
pings "$MEM2_NS" "$A" && fail "member B reaches member A while isolated"
picket firewall --member-to-member allow | grep_quiet "reach each other" || fail "the switch did not confirm"
pings "$MEM_NS" "$B" || fail "A cannot reach B with member-to-member allowed"
picket firewall --member-to-member deny >/dev/null
pings "$MEM_NS" "$B" && fail "A still reaches B after isolation came back"
picket device access alice phone --group committee >/dev/null
pings "$MEM_NS" "$B" && fail "A reaches B while only A is in the group"
picket device access bob laptop --group committee | grep_quiet "group: committee" || fail "access did not confirm the group"
pings "$MEM_NS" "$B" || fail "A cannot reach B in the same group"
pings "$MEM2_NS" "$A" || fail "B cannot reach A in the same group"
picket device access bob laptop --no-group >/dev/null
pings "$MEM_NS" "$B" && fail "A reaches B after B left the group"

log "restriction: a restricted device reaches only its CIDRs"
picket device access alice phone --restrict 198.18.0.2/32 | grep_quiet "only 198.18.0.2/32" || fail "restriction not confirmed"
reaches "$MEM_NS" tcp 198.18.0.2 || fail "restricted device cannot reach its allowed destination"
reaches "$MEM_NS" tcp 198.18.0.3 && fail "restricted device reaches a destination outside its list"
reaches "$MEM_NS" tcp6 2001:db8:1::2 && fail "restricted device reaches IPv6 it was not given"
reaches "$MEM2_NS" tcp 198.18.0.3 || fail "the unrestricted device lost the internet"
picket device access alice phone --unrestrict >/dev/null
reaches "$MEM_NS" tcp 198.18.0.3 || fail "lifting the restriction did not restore the internet"
picket device add bob tablet --no-qr --restrict 203.0.113.0/24 --group crew >/dev/null
picket --json device access bob tablet | grep_quiet '203.0.113.0/24' || fail "device add --restrict was not stored"
ip netns exec "$GW_NS" nft list set inet "$TABLE" reach_v4 | grep_quiet '203.0.113.0/24' || fail "device add --restrict is not in the ruleset"

log "the gateway's own ports: DNS open to the tunnel, everything else closed"
tcp_open "$MEM_NS" 10.77.0.1 53 || fail "DNS over TCP on the gateway's tunnel address is closed"
tcp_open "$MEM_NS" 10.77.0.1 2222 && fail "a gateway port other than DNS/API is open to the tunnel"
tcp_open "$MEM_NS" 172.31.251.1 2222 && fail "the gateway's other addresses are open to the tunnel"
tcp_open "$MEM2_NS" 172.31.251.1 2222 || fail "the test listener is not reachable outside the tunnel (test broken)"

log "bad input: a clear error and nothing changed"
RULESET=$(ip netns exec "$GW_NS" nft list table inet "$TABLE")
if picket device access alice phone --restrict 300.1.2.3/8 2>"$WORK/err"; then fail "a bad CIDR was accepted"; fi
grep -q "300.1.2.3" "$WORK/err" || fail "the bad CIDR error does not quote it: $(cat "$WORK/err")"
picket device access alice phone | grep_quiet "anywhere" || fail "a refused change altered the stored access"
[ "$(ip netns exec "$GW_NS" nft list table inet "$TABLE")" = "$RULESET" ] || fail "a refused change altered the ruleset"
if ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state2" --socket "$WORK/p2.sock" --interface "px$ID" \
  --endpoint 172.31.250.1:51821 --listen-port 51821 --uplink nosuch0 --ipv4-subnet 10.78.0.0/24 --ipv6-subnet fd78::/64 \
  >"$WORK/bad-uplink.log" 2>&1; then fail "picketd started with an unknown uplink"; fi
grep -q "unknown uplink interface 'nosuch0'" "$WORK/bad-uplink.log" || fail "no clear error for an unknown uplink: $(cat "$WORK/bad-uplink.log")"
[ "$(ip netns exec "$GW_NS" nft list table inet "$TABLE")" = "$RULESET" ] || fail "a refused start changed the ruleset"

log "revocation stops the device's traffic at once"
reaches "$MEM_NS" tcp 198.18.0.2 || fail "A lost the internet before revocation"
picket device revoke alice phone >/dev/null
reaches "$MEM_NS" tcp 198.18.0.2 && fail "a revoked device still reaches the internet"
reaches "$MEM_NS" udp 198.18.0.2 && fail "a revoked device still reaches the internet over UDP"

log "clean shutdown removes the table and puts forwarding back; the bystander is untouched"
stop_picketd
ip netns exec "$GW_NS" nft list table inet "$TABLE" >/dev/null 2>&1 && fail "the table outlived picketd"
[ "$(ip netns exec "$GW_NS" sysctl -n net.ipv4.ip_forward)" = "$FORWARD_BEFORE" ] || fail "IPv4 forwarding was not put back"
[ "$(ip netns exec "$GW_NS" nft list table inet bystander)" = "$BYSTANDER" ] || fail "the unrelated table was changed"

log "privacy: no member address in the log"
for secret in "$A" "$B" alice bob committee 203.0.113; do
  if grep -qaF -- "$secret" "$WORK/picketd.log"; then fail "picketd's log holds member data"; fi
done
log "firewall: all checks passed"
