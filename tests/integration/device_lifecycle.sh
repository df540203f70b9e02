#!/usr/bin/env bash
# End to end on real WireGuard: picketd + wireguard-go in a gateway namespace,
# a wireguard-go client in a member namespace configured from the QR code as
# zbarimg decodes it. Add, revoke, disable/enable, reissue, expiry, drift
# repair, and a privacy check after real traffic. Usage: device_lifecycle.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

setup_network
start_picketd

log "add a device; decode its QR code; the client reaches the gateway"
picket member add alice >/dev/null
picket device add alice phone --conf "$WORK/phone.conf" >"$WORK/add.out"
grep -q "Gateway key fingerprint" "$WORK/add.out" || fail "no fingerprint printed"
qr_to_config <"$WORK/add.out" >"$WORK/decoded.conf"
cmp -s "$WORK/decoded.conf" "$WORK/phone.conf" || fail "the QR code does not decode to the written config"
[ "$(stat -c %a "$WORK/phone.conf")" = 600 ] || fail "--conf file is not mode 0600"
grep -q '^PrivateKey = ' "$WORK/decoded.conf" || fail "decoded config has no private key"
PRIVATE_KEY=$(sed -n 's/^PrivateKey = //p' "$WORK/decoded.conf")
PUBLIC_KEY=$(echo "$PRIVATE_KEY" | wg pubkey)
client_up <"$WORK/decoded.conf"
member_reaches_gateway || fail "member cannot ping the gateway through the tunnel"
picket status | grep_quiet "alice" || fail "status does not list the device"
# The device listing's live figures, read from the interface on picketd's
# reading thread; never the member's endpoint.
picket --json device show alice phone >"$WORK/show.json"
jq -e '.last_handshake > 0 and .rx_bytes > 0' "$WORK/show.json" >/dev/null ||
  fail "the device listing does not show the handshake and transfer"
grep -q '"endpoint"' "$WORK/show.json" && fail "the device listing shows the member's endpoint"

log "the private key never reached picketd"
if grep -rqaF "$PRIVATE_KEY" "$WORK/state" "$WORK/picketd.log"; then fail "the private key is in the state or log"; fi

log "revoke cuts the member off"
picket device revoke alice phone | grep_quiet "Revoked" || fail "revoke did not confirm"
gateway_peers | grep_quiet -F "$PUBLIC_KEY" && fail "revoked peer still on the interface"
member_cut_off || fail "member still reaches the gateway after revoke"

log "disable and enable"
picket device add alice laptop >"$WORK/laptop.out"
qr_to_config <"$WORK/laptop.out" | client_up
member_reaches_gateway || fail "laptop cannot reach the gateway"
picket device disable alice laptop >/dev/null
member_cut_off || fail "disabled device still reaches the gateway"
picket device enable alice laptop >/dev/null
client_rehandshake
member_reaches_gateway || fail "re-enabled device cannot reach the gateway"

log "reissue: the old key is dead, the new one works"
OLD_CONF="$WORK/stripped.conf.old"
cp "$WORK/stripped.conf" "$OLD_CONF"
picket device reissue alice laptop >"$WORK/reissue.out"
client_rehandshake
member_cut_off || fail "the old key still works after reissue"
qr_to_config <"$WORK/reissue.out" | client_up
member_reaches_gateway || fail "the reissued key does not work"
picket device revoke alice laptop >/dev/null

log "expiry removes the peer without a restart"
picket device add alice tablet --expires 4s >"$WORK/tablet.out"
qr_to_config <"$WORK/tablet.out" | client_up
member_reaches_gateway 3 || fail "expiring device cannot reach the gateway"
TABLET_KEY=$(picket --json device show alice tablet | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')
for _ in $(seq 60); do gateway_peers | grep_quiet -F "$TABLET_KEY" || break; sleep 0.1; done
gateway_peers | grep_quiet -F "$TABLET_KEY" && fail "expired device still on the interface"
member_cut_off || fail "expired device still reaches the gateway"
picket device list alice | grep tablet | grep_quiet expired || fail "device list does not say expired"

log "drift repair removes a peer added by hand"
STRAY=$(wg genkey | wg pubkey)
ip netns exec "$GW_NS" wg set "$GW_IF" peer "$STRAY" allowed-ips 10.77.0.200/32
for _ in $(seq 50); do gateway_peers | grep_quiet -F "$STRAY" || break; sleep 0.1; done
gateway_peers | grep_quiet -F "$STRAY" && fail "drift repair did not remove the stray peer"

log "restart after a crash: the interface is adopted and holds exactly the wanted peers"
picket device add alice desktop >/dev/null
# A clean stop takes the interface down with its peers; a crash (SIGKILL)
# leaves it, with a stray peer added meanwhile, for the next start to adopt.
kill -KILL "$PICKETD_PID"
wait "$PICKETD_PID" 2>/dev/null || true
PICKETD_PID=""
ip netns exec "$GW_NS" wg set "$GW_IF" peer "$STRAY" allowed-ips 10.77.0.201/32
start_picketd
DESKTOP_KEY=$(picket --json device show alice desktop | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')
[ "$(gateway_peers)" = "$DESKTOP_KEY" ] || fail "after restart the interface peers are not exactly the enabled devices"

log "privacy: no member address, endpoint or key in the log; no endpoint on disk"
sync
# Members' tunnel addresses (.2 to .5); the gateway's own (.1) may be logged
# where picketd says which addresses it listens on.
for secret in "$MEM_OUTER" 10.77.0.2 10.77.0.3 10.77.0.4 10.77.0.5 fd77:77::2 fd77:77::3 fd77:77::4 \
  fd77:77::5 alice phone laptop "$PUBLIC_KEY" "$TABLET_KEY"; do
  if grep -qaF -- "$secret" "$WORK/picketd.log"; then fail "picketd's log holds member data"; fi
done
if grep -rqaF -- "$MEM_OUTER" "$WORK/state"; then fail "a member's endpoint address reached the disk"; fi
[ "$(stat -c %a "$WORK/state/picket.db")" = 600 ] || fail "picket.db is not mode 0600"
[ "$(stat -c %a "$WORK/state/gateway.key")" = 600 ] || fail "gateway.key is not mode 0600"

cat "$WORK/picketd.log"
log "device lifecycle: all checks passed"
