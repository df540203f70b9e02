#!/usr/bin/env bash
# shellcheck disable=SC2046  # $(post_json) and its kind print curl options meant to split
# The admin HTTP API over real sockets: first-admin setup with the printed
# token, login with a TOTP code from oathtool (an independent RFC 6238
# implementation), every documented route refused without a session, CSRF,
# session fixation, brute force, body/header limits, path traversal, a
# slow-header client, /metrics on localhost only, the API over the tunnel,
# the TLS-only rule for other addresses, and nothing of members in the log.
# Usage: api_security.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"

setup_network
start_picketd
post_json() { echo "-X POST -H Content-Type:application/json --data-binary"; }

log "every documented route answers 401 without a session (enumerated from the OpenAPI document)"
curl -s --unix-socket "$WORK/picket.sock" http://localhost/api/v1/openapi.json >"$WORK/openapi.json"
routes=$(jq -r '.paths | to_entries[] | .key as $p | .value | keys[] | "\(ascii_upcase) \($p)"' "$WORK/openapi.json")
[ "$(echo "$routes" | wc -l)" -ge 20 ] || fail "the OpenAPI document lists too few routes"
while read -r method path; do
  concrete=$(echo "$path" | sed 's/{[a-z]*}/x/g')
  status=$(http -X "$method" -H 'Content-Type: application/json' --data-binary '{}' "$API$concrete")
  case "$method $path" in
    "POST /api/v1/setup" | "POST /api/v1/session" | "POST /api/v1/setup/confirm" | "POST /api/v1/recovery"*)
      [ "$status" != 200 ] && [ "$status" != 201 ] || fail "$method $path accepted {}";;
    "GET /api/v1/setup") [ "$status" = 401 ] || [ "$status" = 404 ] || fail "unix-only $method $path answered $status over HTTP";;
    *) [ "$status" = 401 ] || fail "$method $path answered $status without a session";;
  esac
done <<<"$routes"
echo "   $(echo "$routes" | wc -l) routes checked"

log "first admin with the one-time setup token"
TOKEN=$(picket --json admin setup-url | jq -r .setup_token)
[ ${#TOKEN} -eq 43 ] || fail "no setup token from picket admin setup-url"
# -e: a base64url token may begin with "-", which grep would take for options.
grep -qF -e "$TOKEN" "$WORK/picketd.log" || fail "picketd did not print the setup token at first start"
PASSWORD='tulip marble ferry 88'
expect 403 "setup with a wrong token" $(post_json) '{"setup_token":"wrong","username":"ana","password":"tulip marble ferry 88"}' "$API/api/v1/setup"
expect 400 "setup with a weak password" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"short"}' "$API/api/v1/setup"
expect 201 "setup" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
SECRET=$(jq -r .totp_secret "$WORK/body")
RECOVERY=$(jq -r '.recovery_codes[0]' "$WORK/body")
# Nothing counts until a code confirms it: a reload before scanning keeps the link.
picket admin setup-url >/dev/null 2>&1 || fail "setup-url refused before the first admin confirmed a code"

log "login: wrong TOTP fails, a planted cookie is replaced (fixation)"
code=$(oathtool --totp -b "$SECRET")
wrong=$(printf '%06d' $(( (10#$code + 1) % 1000000 )))
expect 401 "wrong TOTP" $(post_json) '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$wrong"'"}' "$API/api/v1/session"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tpicket_session\tplanted-before-login\n' >"$JAR"
expect 200 "login with oathtool's code" -b "$JAR" -c "$JAR" $(post_json) '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$code"'"}' "$API/api/v1/session"
CSRF=$(jq -r .csrf_token "$WORK/body")
SESSION=$(awk '$6 == "picket_session" {print $7}' "$JAR")
[ -n "$SESSION" ] && [ "$SESSION" != planted-before-login ] || fail "login did not replace the planted cookie"
expect 401 "the planted cookie after login" -b "picket_session=planted-before-login" "$API/api/v1/session"
expect 200 "the new session" -b "$JAR" "$API/api/v1/session"
expect 401 "a used TOTP code again (replay)" $(post_json) '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$code"'"}' "$API/api/v1/session"
expect 403 "the setup token after the first login confirmed the admin" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"eve","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
picket admin setup-url >/dev/null 2>&1 && fail "setup-url still works after setup"

log "CSRF, origin and content type on state changes"
expect 403 "no CSRF token" -b "$JAR" $(post_json) '{"label":"alice"}' "$API/api/v1/members"
expect 403 "another origin" -b "$JAR" -H "X-CSRF-Token: $CSRF" -H "Origin: https://evil.example" $(post_json) '{"label":"alice"}' "$API/api/v1/members"
expect 415 "text/plain body" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST -H 'Content-Type: text/plain' --data-binary '{"label":"alice"}' "$API/api/v1/members"
expect 201 "with the token" -b "$JAR" -H "X-CSRF-Token: $CSRF" -H "Origin: http://127.0.0.1:8080" $(post_json) '{"label":"alice"}' "$API/api/v1/members"
KEY=$(wg genkey | wg pubkey)
expect 400 "device with only the session" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"label":"phone","public_key":"'"$KEY"'"}' "$API/api/v1/members/alice/devices"
expect 201 "device with a client-made key and the password" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"label":"phone","public_key":"'"$KEY"'","password":"'"$PASSWORD"'"}' "$API/api/v1/members/alice/devices"
jq -e '.client.gateway_fingerprint and .client.preshared_key and .client.endpoint' "$WORK/body" >/dev/null || fail "the device answer lacks client parameters"
expect 200 "a page of devices" -b "$JAR" "$API/api/v1/devices?limit=10&offset=0&q=pho&state=enabled"
[ "$(jq .total "$WORK/body")" = 1 ] || fail "the filtered listing is wrong"
expect 200 "the audit trail" -b "$JAR" "$API/api/v1/audit?actor=ana"
jq -e '.entries[] | select(.action == "device.add" and .target == "device alice/phone")' "$WORK/body" >/dev/null || fail "no audit entry for the device"

log "a session is not a password: what widens access or destroys data asks for it again"
marked=$(jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] | select(.value["x-picket-password"]) | "\(.key | ascii_upcase) \($p)"' "$WORK/openapi.json")
[ "$(echo "$marked" | grep -c .)" -ge 15 ] || fail "the OpenAPI document marks $(echo "$marked" | grep -c .) routes as needing the password, expected 15 or more"
while read -r method path; do
  concrete=$(echo "$path" | sed 's/{[a-z]*}/x/g')
  status=$(http -b "$JAR" -H "X-CSRF-Token: $CSRF" -X "$method" -H 'Content-Type: application/json' --data-binary '{}' "$API$concrete")
  [ "$status" = 400 ] && [ "$(jq -r .code "$WORK/body")" = password_required ] || fail "$method $path answered $status $(cat "$WORK/body") to a session without the password"
done <<<"$marked"
echo "   $(echo "$marked" | wc -l) routes ask for the password"
# The attack as found: a stolen cookie creates an admin and gets its TOTP secret.
expect 403 "POST /admins with a session and the new admin's password only" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"username":"eve","password":"violet anchor cobalt 12"}' "$API/api/v1/admins"
expect 400 "POST /admins without the acting admin's password" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"username":"eve","new_password":"violet anchor cobalt 12"}' "$API/api/v1/admins"
expect 200 "the admins" -b "$JAR" "$API/api/v1/admins"
[ "$(jq '.admins | length' "$WORK/body")" = 1 ] || fail "an admin was created with a session alone"
expect 400 "removing a member with devices, session only" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X DELETE "$API/api/v1/members/alice"
expect 200 "alice is still there" -b "$JAR" "$API/api/v1/members/alice/devices"
expect 201 "POST /admins with the acting admin's password" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"username":"bea","new_password":"violet anchor cobalt 12","password":"'"$PASSWORD"'"}' "$API/api/v1/admins"
jq -e .totp_secret "$WORK/body" >/dev/null || fail "the new admin's enrolment is missing"
expect 200 "removing it again, with the password" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X DELETE -H 'Content-Type: application/json' --data-binary '{"password":"'"$PASSWORD"'"}' "$API/api/v1/admins/bea"
expect 200 "disabling a device needs no password (it narrows access)" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST "$API/api/v1/members/alice/devices/phone/disable"
expect 400 "enabling it again does" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST "$API/api/v1/members/alice/devices/phone/enable"
expect 200 "enabling it with the password" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"password":"'"$PASSWORD"'"}' "$API/api/v1/members/alice/devices/phone/enable"

log "oversized, malformed and odd requests fail cleanly"
head -c 70000 /dev/zero | tr '\0' ' ' >"$WORK/big"
expect 413 "70 kB body" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X POST -H 'Content-Type: application/json' --data-binary @"$WORK/big" "$API/api/v1/members"
expect 400 "malformed JSON" -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"label":' "$API/api/v1/members"
expect 431 "16 kB header" -H "X-Filler: $(head -c 16000 /dev/zero | tr '\0' a)" "$API/api/v1/session"
expect 400 "../ traversal" --path-as-is "$API/../../etc/passwd"
expect 400 "%2e%2e traversal" --path-as-is "$API/%2e%2e/%2e%2e/etc/passwd"
grep -q "root:" "$WORK/body" && fail "traversal leaked a file"
expect 200 "still serving after the bad requests" -b "$JAR" "$API/api/v1/session"

log "a brute-force burst gets 429"
limited=0
for i in $(seq 12); do
  status=$(http $(post_json) '{"username":"ana","password":"guess-'"$i"'-xxxxxxx","totp":"000000"}' "$API/api/v1/session")
  [ "$status" = 429 ] && limited=$((limited + 1))
done
[ $limited -gt 0 ] || fail "no 429 in a burst of 12 wrong logins"
echo "   $limited of 12 answered 429"
expect 200 "the logged-in session is unaffected" -b "$JAR" "$API/api/v1/session"

log "a slow-header client is cut off"
elapsed=$(ip netns exec "$GW_NS" timeout 30 bash -c '
  exec 3<>/dev/tcp/127.0.0.1/8080
  printf "GET /api/v1/session HTTP/1.1\r\nHost: x\r\n" >&3
  start=$(date +%s); cat <&3 >/dev/null; echo $(( $(date +%s) - start ))') || fail "the slow client was not dropped within 30 s"
[ "$elapsed" -ge 8 ] && [ "$elapsed" -le 15 ] || fail "the slow client was dropped after ${elapsed}s, expected ~10s"
echo "   dropped after ${elapsed}s"

log "metrics on localhost only; the API over the tunnel"
expect 200 "metrics on 127.0.0.1" "$API/metrics"
grep -q '^picket_devices 1$' "$WORK/body" || fail "metrics lack the device count"
grep -q alice "$WORK/body" && fail "metrics name a member"
expect 404 "metrics on the tunnel address" http://10.77.0.1:8080/metrics
picket device add alice laptop --no-qr --conf "$WORK/laptop.conf" >/dev/null
client_up <"$WORK/laptop.conf"
member_reaches_gateway || fail "the member does not reach the gateway"
status=$(ip netns exec "$MEM_NS" curl -s -o "$WORK/body" -w '%{http_code}' --max-time 5 http://10.77.0.1:8080/api/v1/session)
[ "$status" = 401 ] || fail "the API over the tunnel answered $status, not 401"
echo "   from the member's namespace through WireGuard -> 401"
# The handshake shows in the metrics once LiveStats' next read has been
# handed over (figures are up to 4 s old, read on picketd's own thread).
for _ in $(seq 60); do
  http --max-time 5 "$API/metrics" >/dev/null || true
  grep -q '^picket_devices_active_3m 1$' "$WORK/body" && break
  sleep 0.25
done
grep -q '^picket_devices_active_3m 1$' "$WORK/body" || fail "metrics do not count the device that handshook"
status=$(ip netns exec "$MEM_NS" curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://172.31.250.1:8080/api/v1/session || true)
[ "$status" = 000 ] || fail "the API answers on the outer (public) address without TLS"

log "logout everywhere"
expect 200 "DELETE /sessions" -b "$JAR" -H "X-CSRF-Token: $CSRF" -X DELETE "$API/api/v1/sessions"
expect 401 "the session after logout" -b "$JAR" "$API/api/v1/session"

log "another address needs TLS; with it the API is HTTPS only"
stop_picketd
if ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket2.sock" \
  --interface "$GW_IF" --api-listen 172.31.250.1 >"$WORK/refused.log" 2>&1; then
  fail "picketd started on a public address without TLS"
fi
grep -q "without TLS" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "unclear refusal"; }
echo "   refused: $(tail -n1 "$WORK/refused.log")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=172.31.250.1 \
  -addext subjectAltName=IP:172.31.250.1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
# --no-dns: the resolver cannot rebind TCP 53 right after a restart (DNS code, reported).
start_picketd --no-dns --api-listen 172.31.250.1 --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key"
for _ in $(seq 20); do ip netns exec "$GW_NS" ss -ltn | grep_quiet '172.31.250.1:8080' && break; sleep 0.1; done
status=$(ip netns exec "$MEM_NS" curl -s -o "$WORK/body" -w '%{http_code}' --cacert "$WORK/tls.crt" https://172.31.250.1:8080/api/v1/session)
[ "$status" = 401 ] || fail "HTTPS answered $status"
echo "   HTTPS from outside -> 401"
ip netns exec "$MEM_NS" curl -s --max-time 3 -o /dev/null http://172.31.250.1:8080/api/v1/session && fail "plain HTTP accepted on the TLS address"
ip netns exec "$MEM_NS" curl -s --max-time 3 -o /dev/null --cacert "$WORK/tls.crt" --tlsv1.1 --tls-max 1.1 https://172.31.250.1:8080/ && fail "TLS 1.1 accepted"
echo "   plain HTTP and TLS 1.1 refused"

log "the log holds no member data and no secret but the setup token"
for secret in alice phone laptop "$KEY" "$SESSION" "$CSRF" "$PASSWORD" "$SECRET" "$RECOVERY" 10.77.0.2; do
  grep -qF -- "$secret" "$WORK/picketd.log" && fail "the log contains '$secret'"
done
stop_picketd
echo "PASS"
