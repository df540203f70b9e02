#!/usr/bin/env bash
# Panic wipe on real WireGuard: members with devices (one connected through
# wireguard-go), then `picket wipe`. Afterwards picketd has stopped, the
# interface, its peers and the firewall table are gone, the member is cut
# off, and no file under the state directory holds a key, preshared key,
# label or tunnel address that existed before. Then the same with picketd
# stopped: the CLI wipes directly. Usage: seizure_wipe.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seizure_lib.sh"

setup_network
start_picketd

log "members and devices; one connects"
add_alice_and_bob
# An expiry too: the wipe must not leave it behind either.
picket device expire bob tablet --at 30d >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "member cannot reach the gateway before the wipe"
[ "$(gateway_peers | wc -l)" = 3 ] || fail "expected 3 peers before the wipe"
ip netns exec "$GW_NS" nft list table inet "picket_$GW_IF" >/dev/null || fail "no firewall table before the wipe"

mapfile -t NEEDLES < <(member_needles "$WORK/phone.conf" "$WORK/laptop.conf" "$WORK/tablet.conf")
GATEWAY_PRIVATE=$(cat "$WORK/state/gateway.key")
GATEWAY_PUBLIC=$(echo "$GATEWAY_PRIVATE" | wg pubkey)
NEEDLES+=("text:$GATEWAY_PRIVATE" "b64:$GATEWAY_PRIVATE" "text:$GATEWAY_PUBLIC")
[ "${#NEEDLES[@]}" -ge 15 ] || fail "too few needles (${#NEEDLES[@]}) to make the scan mean something"
log "the scan finds them before the wipe (it can see what it looks for)"
sync
found_in "$WORK/state" "${NEEDLES[@]}" >"$WORK/before.txt" || fail "the scan found nothing before the wipe"
for kind in text b64; do
  grep -q "($kind)" "$WORK/before.txt" || fail "the scan found no $kind needle before the wipe"
done

log "a wrong confirmation changes nothing"
echo "wipe" | picket wipe >/dev/null 2>&1 && fail "wipe went ahead without the phrase"
[ "$(gateway_peers | wc -l)" = 3 ] || fail "a refused wipe changed the peers"

log "picket wipe"
echo "wipe everything" | picket wipe >"$WORK/wipe.out" || fail "picket wipe failed: $(cat "$WORK/wipe.out")"
grep -q "^Wiped" "$WORK/wipe.out" || fail "wipe did not confirm"
picketd_exits_cleanly

log "interface, peers, firewall table and wireguard-go are gone; the member is cut off"
ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "the interface is still there"
[ -e "/var/run/wireguard/$GW_IF.sock" ] && fail "wireguard-go's socket is still there"
ip netns exec "$GW_NS" nft list table inet "picket_$GW_IF" >/dev/null 2>&1 && fail "the firewall table is still there"
member_cut_off || fail "the member still reaches the gateway"
[ -e "$WORK/picket.sock" ] && fail "picketd's socket is still there"

log "nothing under the state directory holds what existed before"
sync
if found_in "$WORK/state" "${NEEDLES[@]}"; then fail "member data or keys survived the wipe"; fi
for name in picket.db picket.db-wal picket.db-shm picket.db-journal gateway.key; do
  [ -e "$WORK/state/$name" ] && fail "$name survived the wipe"
done
grep -q "panic wipe: done" "$WORK/picketd.log" || fail "picketd did not log the wipe as done"
grep -q "panic wipe: .*:" "$WORK/picketd.log" && fail "the wipe logged a problem"
for needle in "${NEEDLES[@]}"; do
  case $needle in text:*) grep -qaF -- "${needle#text:}" "$WORK/picketd.log" && fail "picketd's log holds member data" ;; esac
done

log "with picketd crashed, picket wipe wipes directly (a crash leaves the interface up with its peers)"
start_picketd
picket member add carol >/dev/null
picket device add carol phone --conf "$WORK/carol.conf" --no-qr >/dev/null
client_up <"$WORK/carol.conf"
client_rehandshake
member_reaches_gateway || fail "carol cannot reach the new gateway"
mapfile -t NEEDLES < <(member_needles "$WORK/carol.conf")
# SIGKILL: nothing of picketd runs, as after a crash (a clean stop takes
# the peers and the interface down itself).
kill -KILL "$PICKETD_PID"
wait "$PICKETD_PID" 2>/dev/null || true
PICKETD_PID=""
[ "$(gateway_peers | wc -l)" = 1 ] || fail "a crashed picketd should leave its peer on the interface"
echo "wipe everything" | ip netns exec "$GW_NS" "$PICKET_CLI" --socket "$WORK/picket.sock" wipe \
  --state-dir "$WORK/state" >"$WORK/wipe.out" 2>&1 || fail "the offline wipe failed: $(cat "$WORK/wipe.out")"
grep -q "wiping .* directly" "$WORK/wipe.out" || fail "the offline wipe did not say so"
ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "the interface survived the offline wipe"
member_cut_off || fail "carol still reaches the gateway after the offline wipe"
[ -z "$(ls -A "$WORK/state")" ] || fail "files are left after the offline wipe: $(ls -A "$WORK/state")"
if found_in "$WORK/state" "${NEEDLES[@]}"; then fail "carol's data survived the offline wipe"; fi

log "seizure wipe: all checks passed"
