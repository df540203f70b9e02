#!/usr/bin/env bash
# shellcheck disable=SC2046  # $(post_json) and its kind print curl options meant to split
# Lockouts anyone who reaches the API could cause (issue 17, item 8), over
# real sockets: wrong setup tokens from the server itself never block its
# logins; wrong passwords from a member's tunnel lock the account for the
# tunnel but never the admin at the server (127.0.0.1, as through `ssh -L`)
# who presents a fresh TOTP code, nor that admin's password confirmations;
# `picket admin unlock` on the unix socket lifts the lock at once.
# Usage: api_lockout.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"

setup_network
start_picketd
PASSWORD='tulip marble ferry 88'
TUNNEL_API=http://10.77.0.1:8080
post_json() { echo "-X POST -H Content-Type:application/json --data-binary"; }
# From the member's namespace through WireGuard: source 10.77.0.2.
from_member() { ip netns exec "$MEM_NS" curl -s --max-time 30 -o "$WORK/body" -w '%{http_code}' "$@"; }
expect_from_member() { # STATUS DESCRIPTION curl-args...
  local want=$1 what=$2 got
  shift 2
  got=$(from_member "$@")
  [ "$got" = "$want" ] || { cat "$WORK/body"; echo; fail "$what: status $got instead of $want"; }
  echo "   $what -> $got $(head -c 120 "$WORK/body")"
}
# Sets CODE to a TOTP code for a step after every step used so far (each
# code is good once); waits for the clock when the next step is not yet
# within the one-step window. (Not in $(...): LAST_STEP must persist.)
LAST_STEP=0
fresh_code() {
  local step=$(($(date +%s) / 30))
  [ "$step" -gt "$LAST_STEP" ] || step=$((LAST_STEP + 1))
  while [ $(($(date +%s) / 30 + 1)) -lt "$step" ]; do sleep 1; done
  LAST_STEP=$step
  CODE=$(oathtool --totp -b "$SECRET" -N "@$((step * 30))")
}
login_body() { echo '{"username":"ana","password":"'"$1"'","totp":"'"$2"'"}'; }

picket member add alice >/dev/null
picket device add alice phone --no-qr --conf "$WORK/phone.conf" >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the member does not reach the gateway"

log "ten wrong setup tokens from the server itself"
TOKEN=$(picket --json admin setup-url | jq -r .setup_token)
for i in $(seq 10); do
  status=$(http $(post_json) '{"setup_token":"wrong-'"$i"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup")
  [ "$status" = 403 ] || fail "wrong setup token $i answered $status"
done
expect 429 "an eleventh setup try from 127.0.0.1 is held" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
expect_from_member 201 "setup through the tunnel" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$TUNNEL_API/api/v1/setup"
SECRET=$(jq -r .totp_secret "$WORK/body")
fresh_code
expect 200 "login from 127.0.0.1 after the wrong setup tokens" -c "$JAR" $(post_json) "$(login_body "$PASSWORD" "$CODE")" "$API/api/v1/session"
CSRF=$(jq -r .csrf_token "$WORK/body")

log "five wrong passwords for ana from a member's tunnel"
for i in $(seq 5); do
  status=$(from_member $(post_json) "$(login_body "guess-$i-xxxxxxxx" 000000)" "$TUNNEL_API/api/v1/session")
  [ "$status" = 401 ] || fail "wrong password $i from the tunnel answered $status"
done
fresh_code
expect_from_member 429 "the right password from the tunnel is held now" $(post_json) "$(login_body "$PASSWORD" "$CODE")" "$TUNNEL_API/api/v1/session"
grep -qi '^retry-after' <(ip netns exec "$MEM_NS" curl -s -D - -o /dev/null $(post_json) "$(login_body "$PASSWORD" 000000)" "$TUNNEL_API/api/v1/session") ||
  fail "the 429 carries no Retry-After"
expect 429 "from 127.0.0.1 without a good code it is held too" $(post_json) "$(login_body "$PASSWORD" 000000)" "$API/api/v1/session"
fresh_code
expect 200 "the admin at the server with a fresh code gets in" -c "$JAR" $(post_json) "$(login_body "$PASSWORD" "$CODE")" "$API/api/v1/session"
CSRF=$(jq -r .csrf_token "$WORK/body")

log "strangers' failures do not block the admin's password confirmations"
for i in $(seq 5); do
  from_member $(post_json) "$(login_body "guess-again-$i-xxxx" 000000)" "$TUNNEL_API/api/v1/session" >/dev/null
done
expect 200 "a password-checked change while the account is held for the tunnel" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X PUT -H 'Content-Type: application/json' \
  --data-binary '{"retention_days":60,"password":"'"$PASSWORD"'"}' "$API/api/v1/audit/settings"

log "root unlocks over the unix socket"
expect_from_member 429 "still held for the tunnel" $(post_json) "$(login_body "$PASSWORD" 000000)" "$TUNNEL_API/api/v1/session"
picket admin unlock ana | grep_quiet "may log in again" || fail "picket admin unlock said something else"
picket admin unlock nobody 2>"$WORK/err" && fail "unlocking an unknown admin succeeded"
grep -q "no admin" "$WORK/err" || fail "unclear error for an unknown admin: $(cat "$WORK/err")"
fresh_code
expect_from_member 200 "the right login from the tunnel works at once" $(post_json) "$(login_body "$PASSWORD" "$CODE")" "$TUNNEL_API/api/v1/session"
status=$(http -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST "$API/api/v1/admins/ana/unlock")
[ "$status" = 404 ] || [ "$status" = 405 ] || fail "the unix-only unlock route answered $status over HTTP"

stop_picketd
echo "PASS"
