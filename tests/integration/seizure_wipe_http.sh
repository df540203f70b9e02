#!/usr/bin/env bash
# The panic wipe from the web UI's side: POST /api/v1/wipe over real HTTP
# needs a session, the CSRF token, the typed phrase and the admin's password
# again; anything less is refused and changes nothing. Then it wipes as the
# CLI does: peers, interface and state files gone, picketd stopped.
# Usage: seizure_wipe_http.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"

setup_network
start_picketd
PASSWORD='tulip marble ferry 88'
wipe_with() { # wipe_with STATUS DESCRIPTION BODY [curl args...]
  local want=$1 what=$2 body=$3
  shift 3
  expect "$want" "$what" -b "$JAR" -X POST -H 'Content-Type: application/json' "$@" --data-binary "$body" "$API/api/v1/wipe"
}

picket member add alice >/dev/null
picket device add alice phone --conf "$WORK/phone.conf" --no-qr >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the member cannot reach the gateway"

log "an admin logs in"
TOKEN=$(picket --json admin setup-url | jq -r .setup_token)
expect 201 "setup" -X POST -H 'Content-Type: application/json' \
  --data-binary '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
SECRET=$(jq -r .totp_secret "$WORK/body")
expect 200 "login" -c "$JAR" -X POST -H 'Content-Type: application/json' \
  --data-binary '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$(oathtool --totp -b "$SECRET")"'"}' "$API/api/v1/session"
CSRF=$(jq -r .csrf_token "$WORK/body")

log "refused: no session, no CSRF token, wrong phrase, no password, wrong password"
expect 401 "no session" -X POST -H 'Content-Type: application/json' \
  --data-binary '{"confirm":"wipe everything","password":"'"$PASSWORD"'"}' "$API/api/v1/wipe"
wipe_with 403 "no CSRF token" '{"confirm":"wipe everything","password":"'"$PASSWORD"'"}'
wipe_with 400 "wrong phrase" '{"confirm":"wipe","password":"'"$PASSWORD"'"}' -H "X-CSRF-Token: $CSRF"
wipe_with 400 "no password" '{"confirm":"wipe everything"}' -H "X-CSRF-Token: $CSRF"
wipe_with 403 "wrong password" '{"confirm":"wipe everything","password":"not the password"}' -H "X-CSRF-Token: $CSRF"
[ "$(jq -r .code "$WORK/body")" = password_wrong ] || fail "a wrong password is not reported as such"
[ "$(gateway_peers | wc -l)" = 1 ] || fail "a refused wipe changed the peers"
[ -s "$WORK/state/picket.db" ] || fail "a refused wipe touched the database"
member_reaches_gateway || fail "a refused wipe cut the member off"

log "the wipe"
wipe_with 200 "wipe" '{"confirm":"wipe everything","password":"'"$PASSWORD"'"}' -H "X-CSRF-Token: $CSRF"
status=0
wait "$PICKETD_PID" || status=$?
PICKETD_PID=""
[ $status -eq 0 ] || fail "picketd exited with status $status after the wipe"
ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "the interface is still there"
ip netns exec "$GW_NS" nft list table inet "picket_$GW_IF" >/dev/null 2>&1 && fail "the firewall table is still there"
member_cut_off || fail "the member still reaches the gateway"
[ -z "$(ls -A "$WORK/state")" ] || fail "files are left in the state directory: $(ls -A "$WORK/state")"

log "seizure wipe over HTTP: all checks passed"
