#!/usr/bin/env bash
# Encrypted backup and move on real WireGuard: back up a running gateway,
# wipe it, restore the backup into a new state directory, start picketd
# there, and the member's client, still holding its OLD config, handshakes
# and pings the gateway. On the way: the backup file holds no plaintext
# secret, and a wrong passphrase, a flipped byte or a truncated file is
# refused with a clear message and writes nothing. Usage: seizure_backup.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seizure_lib.sh"

PASSPHRASE="correct horse battery staple 9"
BACKUP="$WORK/move/picket.backup"
mkdir -p "$WORK/move"

setup_network
start_picketd

log "members and devices; the phone connects"
add_alice_and_bob
picket firewall --member-to-member allow >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the phone cannot reach the gateway"
PHONE_KEY=$(sed -n 's/^PrivateKey = //p' "$WORK/phone.conf" | wg pubkey)
LAPTOP_KEY=$(sed -n 's/^PrivateKey = //p' "$WORK/laptop.conf" | wg pubkey)
mapfile -t NEEDLES < <(member_needles "$WORK/phone.conf" "$WORK/laptop.conf" "$WORK/tablet.conf")
GATEWAY_PRIVATE=$(cat "$WORK/state/gateway.key")
NEEDLES+=("text:$GATEWAY_PRIVATE" "b64:$GATEWAY_PRIVATE")

log "backup while picketd runs; the passphrase never on the command line"
printf 'too short\n' | picket backup "$BACKUP" --state-dir "$WORK/state" --passphrase-stdin >/dev/null 2>&1 &&
  fail "a short passphrase was accepted"
[ -e "$BACKUP" ] && fail "a refused backup left a file"
printf '%s\n' "$PASSPHRASE" | picket backup "$BACKUP" --state-dir "$WORK/state" --passphrase-stdin >"$WORK/backup.out" ||
  fail "backup failed: $(cat "$WORK/backup.out")"
grep -q "2 members, 3 devices" "$WORK/backup.out" || fail "backup did not count 2 members and 3 devices"
[ "$(stat -c %a "$BACKUP")" = 600 ] || fail "the backup file is not mode 0600"
[ "$(head -c 8 "$BACKUP")" = PICKETBK ] || fail "the backup has no PICKETBK header"
if found_in "$WORK/move" "${NEEDLES[@]}"; then fail "the backup holds a secret or member data in plaintext"; fi
printf '%s\n' "$PASSPHRASE" | picket backup "$BACKUP" --state-dir "$WORK/state" --passphrase-stdin >/dev/null 2>&1 &&
  fail "backup overwrote an existing file"

log "panic wipe"
echo "wipe everything" | picket wipe >/dev/null || fail "picket wipe failed"
picketd_exits_cleanly
member_cut_off || fail "the phone still reaches the wiped gateway"

log "bad restores are refused with a clear message and write nothing"
NEW_STATE="$WORK/state-restored"
expect_refused() {
  local what=$1 file=$2 passphrase=$3 message=$4
  if printf '%s\n' "$passphrase" | picket restore "$file" --state-dir "$NEW_STATE" --passphrase-stdin >"$WORK/restore.out" 2>&1; then
    fail "restore accepted $what"
  fi
  grep -q "$message" "$WORK/restore.out" || fail "restore of $what said: $(cat "$WORK/restore.out")"
  if [ -e "$NEW_STATE" ] && [ -n "$(ls -A "$NEW_STATE")" ]; then fail "a refused restore ($what) wrote files"; fi
}
expect_refused "a wrong passphrase" "$BACKUP" "not the passphrase at all" "wrong passphrase"
SIZE=$(stat -c %s "$BACKUP")
cp "$BACKUP" "$WORK/flipped"
# Flip one byte in the middle of the ciphertext.
OFFSET=$((SIZE / 2))
BYTE=$(od -An -tu1 -j "$OFFSET" -N1 "$WORK/flipped" | tr -d ' ')
printf '%b' "$(printf '\\%03o' $(((BYTE + 1) % 256)))" | dd of="$WORK/flipped" bs=1 seek="$OFFSET" conv=notrunc status=none
expect_refused "a flipped byte" "$WORK/flipped" "$PASSPHRASE" "fails authentication"
head -c $((SIZE - 20)) "$BACKUP" >"$WORK/truncated"
expect_refused "a truncated file" "$WORK/truncated" "$PASSPHRASE" "truncated"
cp "$BACKUP" "$WORK/newer"
printf '\002' | dd of="$WORK/newer" bs=1 seek=8 conv=notrunc status=none
expect_refused "another format version" "$WORK/newer" "$PASSPHRASE" "format version 2"

log "restore into a new state directory and start picketd there"
printf '%s\n' "$PASSPHRASE" | picket restore "$BACKUP" --state-dir "$NEW_STATE" --passphrase-stdin >"$WORK/restore.out" ||
  fail "restore failed: $(cat "$WORK/restore.out")"
grep -q "Restored 2 members and 3 devices" "$WORK/restore.out" || fail "restore said: $(cat "$WORK/restore.out")"
[ "$(stat -c %a "$NEW_STATE/picket.db")" = 600 ] || fail "the restored picket.db is not mode 0600"
[ "$(stat -c %a "$NEW_STATE/gateway.key")" = 600 ] || fail "the restored gateway.key is not mode 0600"
cmp -s <(echo "$GATEWAY_PRIVATE") "$NEW_STATE/gateway.key" || fail "the restored gateway key differs"
start_picketd_in "$NEW_STATE"
[ "$(gateway_peers | wc -l)" = 3 ] || fail "the restored gateway does not have 3 peers"
picket member list | grep_quiet bob || fail "member bob did not come back"
picket --json firewall | grep_quiet '"member_to_member": true' || fail "the firewall setting did not come back"

log "the phone's OLD config handshakes and pings; so does the laptop's"
client_up <"$WORK/phone.conf"
client_rehandshake
member_reaches_gateway || fail "the old phone config does not reach the restored gateway"
gateway_handshook_with "$PHONE_KEY" || fail "no handshake from the phone on the restored gateway"
client_up <"$WORK/laptop.conf"
client_rehandshake
member_reaches_gateway || fail "the old laptop config does not reach the restored gateway"
gateway_handshook_with "$LAPTOP_KEY" || fail "no handshake from the laptop on the restored gateway"

log "restore refuses a state directory that holds a database"
expect_occupied() {
  printf '%s\n' "$PASSPHRASE" | picket restore "$BACKUP" --state-dir "$NEW_STATE" --passphrase-stdin >"$WORK/restore.out" 2>&1 &&
    fail "restore overwrote a live state directory"
  grep -q "already holds a database" "$WORK/restore.out" || fail "restore said: $(cat "$WORK/restore.out")"
}
expect_occupied

log "a backup with picketd stopped works and leaves the state directory as it was"
stop_picketd
ls -A "$NEW_STATE" >"$WORK/files.before"
printf '%s\n' "$PASSPHRASE" | picket backup "$WORK/move/stopped.backup" --state-dir "$NEW_STATE" --passphrase-stdin >/dev/null ||
  fail "backup with picketd stopped failed"
ls -A "$NEW_STATE" >"$WORK/files.after"
cmp -s "$WORK/files.before" "$WORK/files.after" || fail "a backup changed the state directory's files"

log "seizure backup: all checks passed"
