#!/usr/bin/env bash
# Revoke all of a member's devices, gateway key rotation with its mass
# reissue, and burn, on real WireGuard through the CLI: each cuts off
# exactly what it says before the command returns, and a rotated key
# survives a restart. Usage: seizure_burn_rotate.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seizure_lib.sh"

setup_network
start_picketd

picket member add alice >/dev/null
picket member add bob >/dev/null
picket device add alice phone --conf "$WORK/alice-phone.conf" --no-qr >/dev/null
picket device add alice laptop --conf "$WORK/alice-laptop.conf" --no-qr >/dev/null
picket device add bob phone --conf "$WORK/bob-phone.conf" --no-qr >/dev/null
key_of() { sed -n 's/^PrivateKey = //p' "$1" | wg pubkey; }
BOB_KEY=$(key_of "$WORK/bob-phone.conf")

log "revoke-devices: a wrong confirmation changes nothing; the right one cuts alice off"
client_up <"$WORK/alice-phone.conf"
member_reaches_gateway || fail "alice's phone cannot reach the gateway"
picket member revoke-devices alice --confirm bob >/dev/null 2>&1 && fail "revoke-devices went ahead with the wrong label"
[ "$(gateway_peers | wc -l)" = 3 ] || fail "a refused revoke-devices changed the peers"
echo alice | picket member revoke-devices alice | grep_quiet "Revoked 2 devices" || fail "revoke-devices did not confirm"
[ "$(gateway_peers)" = "$BOB_KEY" ] || fail "after revoke-devices the interface should hold bob's phone only"
member_cut_off || fail "alice's phone still reaches the gateway"
picket member list | grep_quiet alice || fail "revoke-devices removed the member"

log "rotate-key: every old config stops working; a reissued one works"
client_up <"$WORK/bob-phone.conf"
member_reaches_gateway || fail "bob's phone cannot reach the gateway"
OLD_GATEWAY=$(picket --json init | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')
echo rotate | picket rotate-key >"$WORK/rotate.out" || fail "rotate-key failed: $(cat "$WORK/rotate.out")"
grep -q "picket device reissue bob phone" "$WORK/rotate.out" || fail "rotate-key did not list bob's phone to reissue"
NEW_GATEWAY=$(picket --json init | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')
if [ -z "$NEW_GATEWAY" ] || [ "$NEW_GATEWAY" = "$OLD_GATEWAY" ]; then fail "the gateway public key did not change"; fi
[ "$(ip netns exec "$GW_NS" wg show "$GW_IF" public-key)" = "$NEW_GATEWAY" ] || fail "the interface does not hold the new key"
[ "$(wg pubkey <"$WORK/state/gateway.key")" = "$NEW_GATEWAY" ] || fail "gateway.key does not hold the new key"
[ -e "$WORK/state/gateway.key.next" ] && fail "gateway.key.next was left behind"
client_rehandshake
member_cut_off || fail "the old config still works after the rotation"
picket device reissue bob phone --conf "$WORK/bob-phone2.conf" --no-qr >/dev/null
grep -q "^PublicKey = $NEW_GATEWAY" "$WORK/bob-phone2.conf" || fail "the reissued config does not name the new gateway key"
client_up <"$WORK/bob-phone2.conf"
client_rehandshake
member_reaches_gateway || fail "the reissued config does not reach the gateway"

log "the rotated key survives a restart"
stop_picketd
start_picketd
[ "$(ip netns exec "$GW_NS" wg show "$GW_IF" public-key)" = "$NEW_GATEWAY" ] || fail "after a restart the interface has another key"
client_rehandshake
member_reaches_gateway || fail "the reissued config does not reach the restarted gateway"

log "burn: every device of every member at once"
picket device add alice tablet --no-qr >/dev/null
[ "$(gateway_peers | wc -l)" = 2 ] || fail "expected 2 peers before the burn"
echo "burn" | picket burn | grep_quiet "Burned: 2 devices" || fail "burn did not confirm"
[ -z "$(gateway_peers)" ] || fail "peers are left after the burn"
member_cut_off || fail "bob's phone still reaches the gateway after the burn"
[ "$(picket member list | grep -c -e alice -e bob)" = 2 ] || fail "burn removed members"

log "seizure burn and rotate: all checks passed"
