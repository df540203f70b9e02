#!/usr/bin/env bash
# Every add and reissue leaves the member with a working config (issue 14):
# split lists one entry past the QR limit are refused by the CLI and the API
# before anything changes; an add whose config cannot be handed out is
# undone; a reissue hands the new config out before the old key stops
# working; the default terminal QR code reads in an 80-column terminal, and
# the SVG through rsvg-convert, byte for byte. Usage: config_delivery.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

setup_network
start_picketd
picket member add alice >/dev/null
NFT_TABLE="picket_$GW_IF"

# Everything a change could touch: the database, the interface, the firewall
# table and the state directory (names, modes, sizes and contents; SQLite's
# shared-memory index changes with every reader, so only its presence counts).
# wireguard-go lists its peers in no fixed order: one line per section, sorted.
live_state() {
  ip netns exec "$GW_NS" wg showconf "$GW_IF" | awk 'BEGIN { RS = "" } { gsub("\n", " | "); print }' | sort
  ip netns exec "$GW_NS" nft list table inet "$NFT_TABLE"
}
snapshot() {
  sqlite3 "$WORK/state/picket.db" .dump
  live_state
  (cd "$WORK/state" && for f in * .[!.]*; do
    [ -e "$f" ] || continue
    case $f in
      *-shm) stat -c '%n %a' "$f" ;;
      *) stat -c '%n %a %s' "$f"; sha256sum "$f" ;;
    esac
  done)
}
# An undone change leaves its trace in the audit trail (and so in the
# database file): compare the rest.
snapshot_without_audit() {
  sqlite3 "$WORK/state/picket.db" .dump | grep -v "^INSERT INTO audit_log\|^INSERT INTO sqlite_sequence"
  live_state
}

api() {  # METHOD PATH BODY: prints the status, the body goes to $WORK/body
  curl -s -o "$WORK/body" -w '%{http_code}' --unix-socket "$WORK/picket.sock" \
    -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "http://localhost$2"
}

# N different IPv6 /128s of the longest text.
long_entries() {
  local i
  for i in $(seq "$1"); do printf '2%03x:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n' $((0x100 + i)); done
}
LIMIT=30
PAST=$((LIMIT + 1))
new_public_key() { wg genkey | wg pubkey; }

log "a split list one entry past the limit ($PAST): the CLI refuses before asking"
mapfile -t ENTRIES < <(long_entries "$PAST")
before=$(snapshot)
status=0
picket device add alice big --no-qr --conf "$WORK/big.conf" --split "${ENTRIES[@]}" >"$WORK/out" 2>"$WORK/err" || status=$?
[ "$status" -eq 2 ] || { cat "$WORK/err"; fail "the CLI took $PAST split entries (exit $status)"; }
grep -qF "at most $LIMIT" "$WORK/err" || { cat "$WORK/err"; fail "the CLI's refusal does not name the limit"; }
[ "$(snapshot)" = "$before" ] || fail "a refused add changed something"
[ ! -e "$WORK/big.conf" ] || fail "a refused add wrote its --conf file"
compgen -G "$WORK/.big.conf*" >/dev/null && fail "a refused add left a temporary file"
log "   $(cat "$WORK/err")"

log "... and the API refuses the same list with 400, naming the limit"
BODY=$(printf '%s\n' "${ENTRIES[@]}" | jq -R . | jq -s --arg key "$(new_public_key)" '{label: "big", public_key: $key, allowed_ips: .}')
status=$(api POST /api/v1/members/alice/devices "$BODY")
[ "$status" = 400 ] || { cat "$WORK/body"; fail "the API answered $status to $PAST split entries"; }
grep -qF "at most $LIMIT" "$WORK/body" || { cat "$WORK/body"; fail "the API's refusal does not name the limit"; }
[ "$(snapshot)" = "$before" ] || fail "a refused API add changed something"
log "   $(cat "$WORK/body")"
log "   with repeats, $LIMIT different entries are one past nothing: accepted"
picket device add alice wide --no-qr --conf "$WORK/wide.conf" --split "${ENTRIES[@]:0:$LIMIT}" "${ENTRIES[0]}" >/dev/null ||
  fail "$LIMIT entries (one repeated) were refused"
[ "$(grep -o '/128' "$WORK/wide.conf" | wc -l)" -eq $((LIMIT + 2)) ] || fail "the config does not route each entry once plus the gateway's IPv6 address"
picket device revoke alice wide >/dev/null

log "reissue of a device whose stored list is past the limit (as an older picketd kept it)"
picket device add alice legacy --no-qr --conf "$WORK/legacy.conf" --split 10.0.0.0/8 >/dev/null
stop_picketd
LONG_LIST=$(printf '%s,' "${ENTRIES[@]}"); LONG_LIST=${LONG_LIST%,}
sqlite3 "$WORK/state/picket.db" "UPDATE devices SET client_allowed_ips = '$LONG_LIST' WHERE label = 'legacy'"
start_picketd
before=$(snapshot)
status=0
picket device reissue alice legacy --conf "$WORK/legacy2.conf" >"$WORK/out" 2>"$WORK/err" || status=$?
[ "$status" -ne 0 ] || fail "the CLI reissued a device past the limit"
grep -qF "at most $LIMIT" "$WORK/err" || { cat "$WORK/err"; fail "the CLI's reissue refusal does not name the limit"; }
[ ! -e "$WORK/legacy2.conf" ] || fail "a refused reissue wrote its --conf file"
status=$(api POST /api/v1/members/alice/devices/legacy/reissue "{\"public_key\": \"$(new_public_key)\"}")
[ "$status" = 400 ] || { cat "$WORK/body"; fail "the API answered $status to a reissue past the limit"; }
grep -qF "at most $LIMIT" "$WORK/body" || { cat "$WORK/body"; fail "the API's reissue refusal does not name the limit"; }
[ "$(snapshot)" = "$before" ] || fail "a refused reissue changed something"
log "   $(cat "$WORK/err")"
picket device revoke alice legacy >/dev/null

log "an add whose config cannot be handed out is undone: --conf in a missing directory"
before=$(snapshot)
before_without_audit=$(snapshot_without_audit)
picket device add alice nodir --conf "$WORK/missing/x.conf" >"$WORK/out" 2>"$WORK/err" && fail "an add into a missing directory succeeded"
grep -qF "$WORK/missing/x.conf" "$WORK/err" || { cat "$WORK/err"; fail "the error does not name the file"; }
[ "$(snapshot)" = "$before" ] || fail "an add refused for its --conf path changed something"

log "... standard output full after the change (/dev/full): the new device is revoked again"
picket device add alice lost >/dev/full 2>"$WORK/err" && fail "an add whose QR code could not be printed succeeded"
grep -qF "revoked again" "$WORK/err" || { cat "$WORK/err"; fail "the error does not say the add was undone"; }
picket device list alice | grep_quiet -w lost && fail "the undelivered device is still listed"
[ "$(snapshot_without_audit)" = "$before_without_audit" ] ||
  fail "the undone add left something behind"
log "   $(cat "$WORK/err")"

log "--pubkey with --conf or --svg is refused before any change"
for flag in --conf --svg; do
  status=0
  picket device add alice own --pubkey "$(new_public_key)" "$flag" "$WORK/own.x" >/dev/null 2>"$WORK/err" || status=$?
  [ "$status" -eq 2 ] || fail "--pubkey with $flag was not refused as a bad argument (exit $status)"
  grep -qF "private key" "$WORK/err" || { cat "$WORK/err"; fail "--pubkey with $flag: no reason given"; }
done
[ "$(snapshot_without_audit)" = "$before_without_audit" ] || fail "a refused --pubkey add changed something"

log "reissue: a config that cannot be handed out leaves the old key working"
picket device add alice phone --conf "$WORK/old.conf" --no-qr >/dev/null
client_up <"$WORK/old.conf"
member_reaches_gateway || fail "the member cannot reach the gateway with its first config"
before=$(snapshot)
picket device reissue alice phone >/dev/full 2>"$WORK/err" && fail "a reissue whose QR code could not be printed succeeded"
grep -qF "old key still works" "$WORK/err" || grep -qF "nothing was changed" "$WORK/err" ||
  { cat "$WORK/err"; fail "the error does not say the old key still works"; }
[ "$(snapshot)" = "$before" ] || fail "a reissue that could not be handed out changed something"
picket device reissue alice phone --conf "$WORK/missing/new.conf" >/dev/null 2>"$WORK/err" &&
  fail "a reissue into a missing directory succeeded"
[ "$(snapshot)" = "$before" ] || fail "a reissue refused for its --conf path changed something"
client_rehandshake
member_reaches_gateway || fail "the old key stopped working after a failed reissue"
log "   $(cat "$WORK/err")"

log "a reissue that succeeds: the new config works, the old one no longer"
picket device reissue alice phone --conf "$WORK/new.conf" --no-qr >"$WORK/out" || fail "reissue failed"
grep -q "reissued" "$WORK/out" || fail "the reissue does not say so"
client_up <"$WORK/old.conf"
client_rehandshake
member_cut_off || fail "the old config still works after the reissue"
client_up <"$WORK/new.conf"
client_rehandshake
member_reaches_gateway || fail "the reissued config does not work"

log "the default config's terminal QR code, in an 80-column terminal that wraps"
picket init --endpoint vpn.union-local-1234.org:51820 >/dev/null
picket device add alice tablet --conf "$WORK/tablet.conf" >"$WORK/tablet.out"
QR_LINES=$(sed -n '/^Device /q; p' "$WORK/tablet.out")
# Each half block is one column (three bytes).
WIDEST=$(echo "$QR_LINES" | LC_ALL=C sed 's/\xe2\x96[\x80\x84\x88]/X/g' | awk '{ if (length($0) > w) w = length($0) } END { print w }')
LINES=$(echo "$QR_LINES" | wc -l)
log "   $(wc -c <"$WORK/tablet.conf") bytes: $WIDEST columns, $LINES lines"
[ "$WIDEST" -le 80 ] && [ "$LINES" -le 40 ] || fail "the default QR code takes ${WIDEST}x$LINES, more than 80x40"
qr_to_config 80 <"$WORK/tablet.out" >"$WORK/tablet.decoded"
cmp -s "$WORK/tablet.decoded" "$WORK/tablet.conf" || fail "the QR code in an 80-column terminal does not decode to the .conf"

log "... and the SVG, rendered by rsvg-convert without size options"
picket device add alice laptop --conf "$WORK/laptop.conf" --svg "$WORK/laptop.svg" --no-qr >/dev/null
rsvg-convert "$WORK/laptop.svg" -o "$WORK/laptop.png"
PNG_SIZE=$(file -b "$WORK/laptop.png" | cut -d, -f2)
MODULES=$(grep -o 'viewBox="0 0 [0-9]*' "$WORK/laptop.svg" | grep -o '[0-9]*$')
log "   $MODULES modules drawn at$PNG_SIZE pixels"
# A viewBox alone draws one pixel per module: too small for any phone to read
# off a screen or paper. 1 mm per module is 3.78 pixels at rsvg's 96 dpi.
[ "$(echo "$PNG_SIZE" | awk '{ print $1 }')" -ge $((MODULES * 3)) ] || fail "the SVG draws at$PNG_SIZE, under 3 pixels per module"
qr_decode "$WORK/laptop.png" >"$WORK/laptop.decoded"
cmp -s "$WORK/laptop.decoded" "$WORK/laptop.conf" || fail "the SVG through rsvg-convert does not decode to the .conf"

log "a config too wide for the terminal says so, points to the files, changes nothing"
mapfile -t WIDE < <(long_entries 12)
before=$(snapshot)
picket device add alice desk --split "${WIDE[@]}" >"$WORK/out" 2>"$WORK/err" && fail "a QR code wider than the terminal was printed"
grep -qF -- "--svg" "$WORK/err" && grep -qF -- "--conf" "$WORK/err" || { cat "$WORK/err"; fail "the error does not point to --svg and --conf"; }
after=$(snapshot)
[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "an add refused for its QR code's width changed something"; }
log "   $(cat "$WORK/err")"
picket device add alice desk --split "${WIDE[@]}" --svg "$WORK/desk.svg" --conf "$WORK/desk.conf" >"$WORK/out" ||
  fail "an add with --svg and --conf failed for a wide QR code"
grep -qF "too wide for this terminal" "$WORK/out" || fail "the terminal code was left out without saying so"
rsvg-convert "$WORK/desk.svg" -o "$WORK/desk.png"
qr_decode "$WORK/desk.png" | cmp -s - "$WORK/desk.conf" || fail "the wide SVG does not decode"

stop_picketd
log "config delivery: all checks passed"
