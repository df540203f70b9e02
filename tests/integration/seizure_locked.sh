#!/usr/bin/env bash
# Locked mode on real WireGuard: picketd --locked serves nothing and has no
# interface until `picket unlock`; then members connect. After a crash
# (SIGKILL, as a seizure would leave it) the state directory holds one
# ciphertext file and none of the members' labels, keys or addresses, the
# gateway's key or the passphrase; the restarted picketd removes the
# interface the old run left, so nobody is connected until an admin unlocks
# again; a wrong passphrase changes nothing. Key rotation, backup and the
# panic wipe keep working without writing a plaintext file.
# Usage: seizure_locked.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seizure_lib.sh"

PASSPHRASE="strike fund at the union hall 7"
STATE="$WORK/state"

only_sealed_state() {
  [ "$(ls -A "$STATE")" = picket.sealed ] || fail "the state directory holds: $(ls -A "$STATE" | tr '\n' ' ')"
  [ "$(stat -c %a "$STATE/picket.sealed")" = 600 ] || fail "picket.sealed is not mode 0600"
  [ "$(head -c 8 "$STATE/picket.sealed")" = PICKETBK ] || fail "picket.sealed is not in the sealed format"
}

interface_absent() { ! ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1; }

setup_network

log "a locked picketd on an empty state: nothing served, no interface, no file"
start_picketd --locked
picket member list >/dev/null 2>"$WORK/err" && fail "a locked picketd listed members"
grep -q "picket unlock" "$WORK/err" || fail "a locked picketd said: $(cat "$WORK/err")"
interface_absent || fail "a locked picketd brought the interface up"
[ -z "$(ls -A "$STATE" 2>/dev/null)" ] || fail "a locked picketd wrote files before the unlock"

log "the first unlock sets the passphrase (at least 12 characters)"
printf 'too short\n' | picket unlock --passphrase-stdin >/dev/null 2>"$WORK/err" && fail "a short passphrase was accepted"
grep -q "at least 12 characters" "$WORK/err" || fail "a short passphrase was refused with: $(cat "$WORK/err")"
[ -z "$(ls -A "$STATE" 2>/dev/null)" ] || fail "a refused passphrase wrote files"
printf '%s\n' "$PASSPHRASE" | picket unlock --passphrase-stdin >"$WORK/unlock.out" || fail "unlock failed"
grep -q "new sealed state" "$WORK/unlock.out" || fail "the first unlock said: $(cat "$WORK/unlock.out")"
printf '%s\n' "$PASSPHRASE" | picket unlock --passphrase-stdin | grep_quiet "already unlocked" ||
  fail "a second unlock did not say it is already unlocked"

log "members connect"
# Long labels: a needle of three letters could turn up in random ciphertext.
picket member add alice-organizer >/dev/null
picket member add bob-steward >/dev/null
picket device add alice-organizer phone-of-alice --conf "$WORK/phone.conf" --no-qr >/dev/null
picket device add bob-steward tablet-of-bob --conf "$WORK/tablet.conf" --no-qr >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the phone cannot reach the unlocked gateway"
mapfile -t NEEDLES < <(member_needles "$WORK/phone.conf" "$WORK/tablet.conf")
GATEWAY_PRIVATE=$(ip netns exec "$GW_NS" wg show "$GW_IF" private-key)
NEEDLES+=("text:$GATEWAY_PRIVATE" "b64:$GATEWAY_PRIVATE" "text:$PASSPHRASE")
only_sealed_state
if found_in "$STATE" "${NEEDLES[@]}"; then fail "the sealed state holds member data or a secret in plaintext"; fi

log "crash: after SIGKILL the disk holds only ciphertext"
kill -9 "$PICKETD_PID"
wait "$PICKETD_PID" 2>/dev/null || true
PICKETD_PID=""
rm -f "$WORK/picket.sock"
only_sealed_state
if found_in "$STATE" "${NEEDLES[@]}"; then fail "after a crash the state holds plaintext"; fi

log "restart (no --locked needed: picket.sealed says so): nobody connected until the unlock"
start_picketd
interface_absent || fail "the restarted, locked picketd kept the interface of the old run"
member_cut_off || fail "the phone reaches a locked gateway"
printf 'not the passphrase at all\n' | picket unlock --passphrase-stdin >/dev/null 2>"$WORK/err" &&
  fail "a wrong passphrase unlocked"
grep -q "wrong passphrase" "$WORK/err" || fail "a wrong passphrase said: $(cat "$WORK/err")"
picket member list >/dev/null 2>&1 && fail "a wrong passphrase left picketd serving"
interface_absent || fail "a wrong passphrase brought the interface up"
printf '%s\n' "$PASSPHRASE" | picket unlock --passphrase-stdin >/dev/null || fail "unlock after restart failed"
[ "$(gateway_peers | wc -l)" = 2 ] || fail "the unlocked gateway does not have its 2 peers"
client_rehandshake
member_reaches_gateway || fail "the phone does not reach the gateway after the unlock"

log "key rotation writes no key file, and the new key is sealed"
picket rotate-key --confirm rotate >/dev/null || fail "rotate-key failed"
ROTATED=$(ip netns exec "$GW_NS" wg show "$GW_IF" private-key)
[ "$ROTATED" != "$GATEWAY_PRIVATE" ] || fail "rotate-key did not change the interface's key"
only_sealed_state
stop_picketd
start_picketd
printf '%s\n' "$PASSPHRASE" | picket unlock --passphrase-stdin >/dev/null || fail "unlock after rotation failed"
[ "$(ip netns exec "$GW_NS" wg show "$GW_IF" private-key)" = "$ROTATED" ] ||
  fail "after a restart the gateway does not have the rotated key"
NEEDLES+=("text:$ROTATED" "b64:$ROTATED")

log "backup copies the sealed state; restore opens it with the unlock passphrase"
picket backup "$WORK/locked.backup" --state-dir "$STATE" >"$WORK/backup.out" || fail "backup in locked mode failed"
grep -q "locked mode" "$WORK/backup.out" || fail "backup said: $(cat "$WORK/backup.out")"
printf '%s\n' "$PASSPHRASE" | picket restore "$WORK/locked.backup" --state-dir "$WORK/restored" --passphrase-stdin \
  >"$WORK/restore.out" || fail "restore of a locked-mode backup failed: $(cat "$WORK/restore.out")"
grep -q "Restored 2 members and 2 devices" "$WORK/restore.out" || fail "restore said: $(cat "$WORK/restore.out")"
rm -rf "$WORK/restored"

log "panic wipe in locked mode"
echo "wipe everything" | picket wipe >/dev/null || fail "picket wipe failed"
picketd_exits_cleanly
[ -z "$(ls -A "$STATE")" ] || fail "the wipe left: $(ls -A "$STATE" | tr '\n' ' ')"
member_cut_off || fail "the phone still reaches the wiped gateway"

log "picketd's log names no member, key, address or the passphrase"
cp "$WORK/picketd.log" "$WORK/logcheck.txt"
mkdir -p "$WORK/logdir" && mv "$WORK/logcheck.txt" "$WORK/logdir/"
if found_in "$WORK/logdir" "${NEEDLES[@]}"; then fail "picketd's log holds member data or a secret"; fi

log "seizure locked: all checks passed"
