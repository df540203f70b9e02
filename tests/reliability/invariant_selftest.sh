#!/usr/bin/env bash
# The invariant checker must see what it claims to check: with drift repair
# effectively off, break the gateway one way at a time (a peer removed, a
# stray peer, a changed preshared key or allowed IP, a firewall element
# removed or planted, a revoked name that still resolves, a resolver that
# does not answer, the interface gone) and expect the checker to name that
# difference; a restart of picketd repairs it and the checker passes again.
# Usage: invariant_selftest.sh BUILD_DIR
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/ledger.sh"
export DRIFT=3600

setup_network
start_picketd_drift
picket member add alice >/dev/null
picket member add bob >/dev/null
picket device add alice phone --no-qr >/dev/null
picket device add alice laptop --no-qr --restrict 192.0.2.0/24 2001:db8::/48 --group ops >/dev/null
picket device add bob phone --no-qr --group ops >/dev/null
picket device add bob tablet --no-qr --group lab >/dev/null
picket device add bob old --no-qr >/dev/null
picket device disable bob old >/dev/null
key_of() { picket --json device show "$1" "$2" | jq -r .public_key; }
PHONE=$(key_of alice phone)

log "a healthy gateway passes"
invariant >"$WORK/check.out" || { cat "$WORK/check.out"; fail "the checker fails a healthy gateway"; }
cat "$WORK/check.out"
grep -q "holds (4 peers" "$WORK/check.out" || fail "the checker did not count 4 peers"

# expect_violation WHAT PATTERN [checker args]: the checker must fail and
# print a line matching PATTERN.
expect_violation() {
  local what=$1 pattern=$2
  shift 2
  if invariant "$@" >"$WORK/check.out" 2>&1; then
    cat "$WORK/check.out"
    fail "the checker missed: $what"
  fi
  grep -q -- "$pattern" "$WORK/check.out" || { cat "$WORK/check.out"; fail "the checker did not name: $what"; }
  echo "   found: $what -> $(grep -m1 -- "$pattern" "$WORK/check.out")"
}
repair() {
  stop_picketd
  start_picketd_drift
  invariant >"$WORK/check.out" || { cat "$WORK/check.out"; fail "a restart did not repair: $1"; }
}
wg_ns() { ip netns exec "$GW_NS" wg "$@"; }
nft_ns() { ip netns exec "$GW_NS" nft "$@"; }

log "each kind of difference is found"
wg_ns set "$GW_IF" peer "$PHONE" remove
expect_violation "a missing peer" "(peers): missing: $PHONE"
repair "missing peer"

STRAY=$(wg genkey | wg pubkey)
wg_ns set "$GW_IF" peer "$STRAY" allowed-ips 10.77.0.99/32
expect_violation "a stray peer" "(peers): unexpected: $STRAY"
repair "stray peer"

(umask 077 && wg genpsk >"$WORK/psk")
wg_ns set "$GW_IF" peer "$PHONE" preshared-key "$WORK/psk"
expect_violation "a changed preshared key" "(peers): unexpected: $PHONE psk="
repair "preshared key"

wg_ns set "$GW_IF" peer "$PHONE" allowed-ips 10.77.0.2/32
expect_violation "a lost allowed IP" "(peers): unexpected: $PHONE .*allowed-ips=10.77.0.2/32$"
repair "allowed IPs"

LAPTOP_V4=$(picket --json device show alice laptop | jq -r .ipv4)
nft_ns delete element inet "picket_$GW_IF" restricted_v4 "{ $LAPTOP_V4 }"
expect_violation "a missing firewall element" "(firewall): missing: restricted_v4 $LAPTOP_V4"
repair "firewall element"

nft_ns add element inet "picket_$GW_IF" restricted_v4 "{ 10.77.0.77 }"
expect_violation "a planted firewall element" "(firewall): unexpected: restricted_v4 10.77.0.77"
repair "planted element"

TABLET_V4=$(picket --json device show bob tablet | jq -r .ipv4)
nft_ns delete element inet "picket_$GW_IF" group_v4 "{ $TABLET_V4 }"
expect_violation "a device out of its group" "(firewall): missing: group_v4 $TABLET_V4"
repair "group map"

# The database is the truth: change it behind picketd's back and the
# gateway (still holding the old state) differs from it everywhere.
sqlite3 "$WORK/state/picket.db" "UPDATE devices SET enabled = 0 WHERE label = 'tablet'"
expect_violation "a disabled device that still resolves" "(dns): unexpected: tablet.bob.picket.internal. A"
expect_violation "a disabled device still on the interface" "(peers): unexpected: $(key_of bob tablet)"
repair "disabled behind picketd's back"
BOB_PHONE=$(key_of bob phone)
sqlite3 "$WORK/state/picket.db" "PRAGMA foreign_keys = ON; DELETE FROM devices WHERE label = 'phone' AND member_id = (SELECT id FROM members WHERE label = 'bob')"
expect_violation "a revoked name that resolves" "(dns): unexpected: phone.bob.picket.internal. A" \
  --absent phone.bob.picket.internal
expect_violation "a revoked device's peer" "(peers): unexpected: $BOB_PHONE"
repair "revoked behind picketd's back"

kill -STOP "$PICKETD_PID"
expect_violation "a resolver that does not answer" "(dns): the resolver on"
kill -CONT "$PICKETD_PID"

# The interface itself: without drift repair nothing brings it back.
for pid in $(ip netns pids "$GW_NS"); do
  [ "$(cat /proc/$pid/comm)" = wireguard-go ] && kill -9 "$pid"
done
for _ in $(seq 50); do ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 || break; sleep 0.1; done
expect_violation "the interface gone" "(interface): wg show $GW_IF fails"
repair "interface gone"

log "invariant checker: a healthy gateway passes, 13 kinds of difference found"
