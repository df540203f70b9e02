#!/usr/bin/env bash
# "What Picket stores", proved: real traffic and DNS through the tunnel from
# two devices, admin changes (reissue, revoke, disable), a live status read;
# then every file under the state directory and every line picketd logged
# (its stderr, which is what the journal would hold) are searched for
# members' endpoint addresses, private keys, the DNS names they asked for,
# and, in the log only, their labels, note, keys and tunnel addresses, which
# the database may hold. Finally the database's columns must be exactly the
# list in README.md's "What Picket stores". Usage: seizure_privacy.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_upstream.sh"
source "$(dirname "$0")/seizure_lib.sh"
README="$(dirname "$0")/../../README.md"

setup_network
start_test_upstream
start_picketd --dns-upstream plain --dns-server 127.0.0.1@5353 --no-dns-dnssec

log "members, devices, and traffic from two of them"
add_alice_and_bob --note "meets at the north gate"
mapfile -t MEMBER_DATA < <(member_needles "$WORK/phone.conf" "$WORK/laptop.conf" "$WORK/tablet.conf")
MEMBER_DATA+=("text:meets at the north gate")

PRIVATE=()
for conf in phone laptop tablet; do
  key=$(sed -n 's/^PrivateKey = //p' "$WORK/$conf.conf")
  PRIVATE+=("text:$key" "b64:$key")
done
# The member's endpoint as WireGuard sees it: text, and the raw 4 bytes.
ENDPOINT=("text:$MEM_OUTER" "b64:$(printf '\xac\x1f\xfa\x02' | base64)")
QUERIED=()

drive_traffic() {
  local device=$1 i name
  client_up <"$WORK/$device.conf"
  client_rehandshake
  ip -n "$MEM_NS" route replace fd77:77::/64 dev "$MEM_IF"
  member_reaches_gateway || fail "$device cannot reach the gateway"
  ip netns exec "$MEM_NS" ping -q -c 50 -i 0.02 10.77.0.1 >/dev/null || fail "$device lost pings"
  for i in $(seq 15); do
    name="vote-$i-$device-$ID.strike.test.example"
    QUERIED+=("text:vote-$i-$device-$ID")
    member_dig "$name" A >/dev/null || fail "no DNS answer for a query"
  done
  member_dig +tcp "organizers-$device-$ID.test.example" AAAA >/dev/null || fail "no DNS answer over TCP"
  QUERIED+=("text:organizers-$device-$ID")
  member_dig +short www.test.example A | grep_quiet 192.0.2.10 || fail "the resolver answers wrongly"
  member_dig +short "$device.alice.picket.internal" A >/dev/null || fail "no local answer"
}
drive_traffic phone
drive_traffic laptop
picket status >"$WORK/status.out"
grep -qF "$MEM_OUTER" "$WORK/status.out" && fail "picket status shows a member's endpoint address"
PHONE_PUBLIC=$(sed -n 's/^PrivateKey = //p' "$WORK/phone.conf" | wg pubkey)
gateway_handshook_with "$PHONE_PUBLIC" || fail "no handshake was recorded by WireGuard itself"

log "admin changes: reissue, disable, revoke"
picket device reissue alice laptop --conf "$WORK/laptop2.conf" --no-qr >/dev/null
key=$(sed -n 's/^PrivateKey = //p' "$WORK/laptop2.conf")
PRIVATE+=("text:$key" "b64:$key")
picket device disable bob tablet >/dev/null
picket device revoke alice phone >/dev/null
drive_traffic laptop2

log "nothing on disk that DESIGN.md forbids: endpoints, private keys, queried names"
sync
# The scan sees into the database: what it may hold (labels, keys), it finds.
found_in "$WORK/state" "${MEMBER_DATA[@]}" >/dev/null || fail "the scan cannot see the database's contents"
FORBIDDEN=("${ENDPOINT[@]}" "${PRIVATE[@]}" "${QUERIED[@]}")
if found_in "$WORK/state" "${FORBIDDEN[@]}"; then fail "the state directory holds what it must not"; fi
stop_picketd
sync
if found_in "$WORK/state" "${FORBIDDEN[@]}"; then fail "after a clean stop the state directory holds what it must not"; fi
for file in "$WORK"/state/*; do
  case ${file##*/} in picket.db | picket.db-wal | picket.db-shm | gateway.key) ;; *) fail "unexpected file ${file##*/} in the state directory" ;; esac
done

log "the log holds no member data at all"
ALL_TEXT=()
for needle in "${FORBIDDEN[@]}" "${MEMBER_DATA[@]}"; do
  case $needle in text:*) ALL_TEXT+=("$needle") ;; esac
done
mkdir -p "$WORK/logs"
cp "$WORK/picketd.log" "$WORK/logs/"
if found_in "$WORK/logs" "${ALL_TEXT[@]}"; then fail "picketd's log holds member data"; fi
[ -s "$WORK/picketd.log" ] || fail "picketd logged nothing, so the log check proves nothing"

log "the database's columns are exactly README.md's list in 'What Picket stores'"
sed -n '/^## What Picket stores/,/^## /p' "$README" |
  sed -n 's/^- `\([a-z_]*\)`: \(.*\)$/\1 \2/p' |
  while read -r table columns; do
    for column in $(echo "$columns" | tr -d '`,.'); do echo "$table.$column"; done
  done | sort >"$WORK/documented.txt"
[ -s "$WORK/documented.txt" ] || fail "README.md has no column list under 'What Picket stores'"
sqlite3 "$WORK/state/picket.db" "SELECT m.name || '.' || p.name FROM sqlite_master m
  JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'" |
  sort >"$WORK/actual.txt"
if ! diff -u "$WORK/documented.txt" "$WORK/actual.txt" >"$WORK/schema.diff"; then
  cat "$WORK/schema.diff" >&2
  fail "the database and README.md's 'What Picket stores' disagree (+ stored but not documented)"
fi

log "seizure privacy: all checks passed"
