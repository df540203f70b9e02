#!/usr/bin/env bash
# One member must not break name resolution for everyone. Member A floods
# the resolver with three bursts of 40 queries for random names under a
# domain whose only server (a "blackhole" namespace) never answers; member B,
# then A itself, must resolve names nobody asked before again within a
# generous deadline. Plain forwarding to a test upstream (an unbound
# daemon). Not here: recursive mode needs the root servers, and DNS-over-TLS
# cannot run on Debian 12, whose libunbound is built with nettle instead of
# OpenSSL (ub_resolve answers "initialization failure" with TLS on).
# Usage: dns_flood_recovery.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_upstream.sh"

MEM2_NS="pkt-mem2-$ID"
MEM2_IF="pn$ID"
M2_GW="wg$ID"
M2_MEM="wm$ID"
BH_NS="pkt-bh-$ID"
BH_GW="bg$ID"
BH_NS_IF="bb$ID"
FORGE="$(dirname "$0")/forge_dns.py"

flood_cleanup() {
  local ns
  for ns in "$MEM2_NS" "$BH_NS"; do
    if ip netns list | grep_quiet -w "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
      ip netns delete "$ns"
    fi
  done
  rm -f "/var/run/wireguard/$MEM2_IF.sock"
}
CLEANUP_HOOKS+=(flood_cleanup)

setup_network
ip netns add "$MEM2_NS"
ip netns add "$BH_NS"
ip link add "$M2_GW" type veth peer name "$M2_MEM"
ip link set "$M2_GW" netns "$GW_NS"
ip link set "$M2_MEM" netns "$MEM2_NS"
ip -n "$GW_NS" addr add 172.31.251.1/30 dev "$M2_GW"
ip -n "$MEM2_NS" addr add 172.31.251.2/30 dev "$M2_MEM"
ip link add "$BH_GW" type veth peer name "$BH_NS_IF"
ip link set "$BH_GW" netns "$GW_NS"
ip link set "$BH_NS_IF" netns "$BH_NS"
ip -n "$GW_NS" addr add 172.31.252.1/30 dev "$BH_GW"
ip -n "$BH_NS" addr add 172.31.252.2/30 dev "$BH_NS_IF"
for link in "$GW_NS $M2_GW" "$MEM2_NS $M2_MEM" "$MEM2_NS lo" "$GW_NS $BH_GW" "$BH_NS $BH_NS_IF" "$BH_NS lo"; do
  set -- $link
  ip -n "$1" link set "$2" up
done
# The blackhole authoritative: its address exists, and nothing ever answers
# (no ICMP either, which would end the waiting at once).
ip netns exec "$BH_NS" nft -f - <<'NFT'
table inet blackhole {
  chain input { type filter hook input priority 0; policy drop; iifname "lo" accept; }
}
NFT

# The test upstream: "blackhole.example" delegated to the server that never
# answers, any name under "ok.example" answered 192.0.2.44.
UPSTREAM_EXTRA="  local-zone: \"ok.example.\" redirect
  local-data: \"ok.example. 300 IN A 192.0.2.44\"
stub-zone:
  name: \"blackhole.example.\"
  stub-addr: 172.31.252.2"
start_test_upstream

start_picketd --dns-upstream plain --dns-server 127.0.0.1@5353 --no-dns-dnssec

member_up() {  # NS IF CONF
  local ns=$1 ifname=$2 conf=$3
  ip netns exec "$ns" wireguard-go "$ifname" >/dev/null 2>&1 || fail "wireguard-go did not start"
  wg-quick strip "$conf" >"$conf.stripped"
  ip netns exec "$ns" wg setconf "$ifname" "$conf.stripped"
  for address in $(sed -n 's/^Address = //p' "$conf" | tr ',' ' '); do
    ip -n "$ns" addr add "$address" dev "$ifname"
  done
  ip -n "$ns" link set "$ifname" up
  ip -n "$ns" route add 10.77.0.0/24 dev "$ifname"
}
picket member add alice >/dev/null
picket member add bob >/dev/null
picket device add alice phone --no-qr --conf "$WORK/a.conf" >/dev/null
picket device add bob laptop --no-qr --conf "$WORK/b.conf" >/dev/null
client_up <"$WORK/a.conf"
ip -n "$MEM2_NS" route add default via 172.31.251.1
member_up "$MEM2_NS" "$MEM2_IF" "$WORK/b.conf"
member_reaches_gateway || fail "member A cannot reach the gateway"

dig_in() { ip netns exec "$1" dig +time=2 +tries=1 @10.77.0.1 "${@:2}"; }
# A name nobody asked before, so only the upstream can answer it.
fresh_resolves() {  # NS
  [ "$(dig_in "$1" +short "fresh$RANDOM$RANDOM.ok.example" A 2>/dev/null)" = 192.0.2.44 ]
}
# Generous: on the broken resolver this took more than 11 minutes.
recovers_within() {  # NS SECONDS
  local deadline=$(( SECONDS + $2 ))
  while [ $SECONDS -lt $deadline ]; do
    fresh_resolves "$1" && return 0
    sleep 1
  done
  return 1
}
flood_from_a() {
  local _burst
  for _burst in 1 2 3; do
    ip netns exec "$MEM_NS" python3 "$FORGE" flood 10.77.0.1 blackhole.example 40 || fail "the flood could not be sent"
    sleep 1
  done
}

log "both members resolve before the flood"
recovers_within "$MEM_NS" 30 || fail "member A cannot resolve before the flood (test broken)"
recovers_within "$MEM2_NS" 30 || fail "member B cannot resolve before the flood (test broken)"
for round in 1 2; do
  log "round $round: member A sends three bursts of 40 queries that the blackhole never answers"
  flood_from_a
  log "round $round: member B, then member A, resolve new names again"
  recovers_within "$MEM2_NS" 90 || fail "member B cannot resolve 90 s after A's flood"
  recovers_within "$MEM_NS" 90 || fail "member A cannot resolve 90 s after its own flood"
done
# Counts only: the resolver answered and bounded, and logged no name.
picket dns show | grep_quiet "upstream_dropped" || fail "picket dns show has no upstream_dropped counter"
stop_picketd
log "dns flood recovery: all checks passed"
