#!/usr/bin/env bash
# shellcheck disable=SC2046  # $(post_json) and its kind print curl options meant to split
# Smaller holes in the admin API (issue 17, item 9), over real sockets:
# --socket never changes an existing directory nor replaces a file; a Host
# header that does not name this server (DNS rebinding) is refused; a JSON
# body with a repeated key is refused; a burn sent through the burning
# admin's own tunnel gets its answer, and that device is cut right after.
# Usage: api_hardening.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"

setup_network
PASSWORD='tulip marble ferry 88'
TUNNEL_API=http://10.77.0.1:8080
post_json() { echo "-X POST -H Content-Type:application/json --data-binary"; }

log "--socket: an existing directory is never changed, a file never replaced"
mkdir "$WORK/shared"
chmod 1777 "$WORK/shared"
# (timeout: a picketd that wrongly starts must not hang the test)
if ip netns exec "$GW_NS" timeout 60 "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/shared/x.sock" \
  --interface "$GW_IF" --api-port 0 --no-dns >"$WORK/refused.log" 2>&1; then
  fail "picketd started with its socket in a directory everyone can write"
fi
[ "$(stat -c %a "$WORK/shared")" = 1777 ] || fail "picketd changed the mode of $WORK/shared to $(stat -c %a "$WORK/shared")"
grep -q "other users can write there" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "unclear refusal"; }
echo "   refused: $(grep -o 'refusing --socket[^:]*' "$WORK/refused.log" | head -n1); mode still 1777"
echo "keep me" >"$WORK/precious"
if ip netns exec "$GW_NS" timeout 60 "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/precious" \
  --interface "$GW_IF" --api-port 0 --no-dns >"$WORK/refused.log" 2>&1; then
  fail "picketd started on a regular file as its socket"
fi
[ "$(cat "$WORK/precious")" = "keep me" ] || fail "picketd replaced a regular file with its socket"
grep -q "not a socket" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "unclear refusal"; }
echo "   refused a regular file at the socket's path; it is intact"
ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "a refused start created the interface"

start_picketd
picket member add alice >/dev/null
picket device add alice phone --no-qr --conf "$WORK/phone.conf" >/dev/null
picket device add alice laptop --no-qr --conf "$WORK/laptop.conf" >/dev/null
client_up <"$WORK/phone.conf"
member_reaches_gateway || fail "the member does not reach the gateway"

log "the Host header must name this server"
expect 421 "a rebinding name on 127.0.0.1" -H "Host: rebind.evil.example:8080" "$API/api/v1/session"
expect 421 "a rebinding name on the open login route" -H "Host: rebind.evil.example:8080" $(post_json) '{"username":"ana","password":"x","totp":"000000"}' "$API/api/v1/session"
expect 421 "a rebinding name on the UI" -H "Host: rebind.evil.example" "$API/"
expect 421 "and on /metrics" -H "Host: rebind.evil.example" "$API/metrics"
expect 400 "no Host header at all" -H "Host:" "$API/api/v1/session"
expect 401 "127.0.0.1" "$API/api/v1/session"
expect 401 "localhost" -H "Host: localhost:8080" "$API/api/v1/session"
expect 401 "the endpoint's host name" -H "Host: $GW_OUTER:51820" "$API/api/v1/session"
status=$(ip netns exec "$MEM_NS" curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: rebind.evil.example:8080" "$TUNNEL_API/api/v1/session")
[ "$status" = 421 ] || fail "a rebinding name through the tunnel answered $status"
status=$(ip netns exec "$MEM_NS" curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$TUNNEL_API/api/v1/session")
[ "$status" = 401 ] || fail "the tunnel address answered $status"
echo "   through the tunnel: a rebinding name 421, the tunnel address 401"

log "an admin logs in through the tunnel"
TOKEN=$(picket --json admin setup-url | jq -r .setup_token)
expect 201 "setup" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
SECRET=$(jq -r .totp_secret "$WORK/body")
member_http() { ip netns exec "$MEM_NS" curl -s --max-time 20 -o "$WORK/body" -w '%{http_code}' "$@" || true; } # 000: no answer
status=$(member_http -c "$JAR" $(post_json) '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$(oathtool --totp -b "$SECRET")"'"}' "$TUNNEL_API/api/v1/session")
[ "$status" = 200 ] || fail "login through the tunnel answered $status"
CSRF=$(jq -r .csrf_token "$WORK/body")

log "a JSON body with a repeated key is refused"
status=$(member_http -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"label":"bob","label":"carol"}' "$TUNNEL_API/api/v1/members")
[ "$status" = 400 ] && [ "$(jq -r .code "$WORK/body")" = duplicate_key ] || fail "a repeated key answered $status $(cat "$WORK/body")"
picket member list | grep_quiet -w 'bob\|carol' && fail "a body with a repeated key created a member"
status=$(member_http -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"confirm":"burn","password":"wrong","password":"'"$PASSWORD"'"}' "$TUNNEL_API/api/v1/burn")
[ "$status" = 400 ] || fail "a burn with two password fields answered $status"
[ "$(gateway_peers | wc -l)" = 2 ] || fail "a refused burn changed the peers"
echo "   400 duplicate_key; nothing changed"

log "a burn through the burning admin's own tunnel gets its answer"
status=$(member_http -b "$JAR" -H "X-CSRF-Token: $CSRF" $(post_json) '{"confirm":"burn","password":"'"$PASSWORD"'"}' "$TUNNEL_API/api/v1/burn")
[ "$status" = 200 ] || fail "the burn through the caller's own tunnel answered $status (000: no answer)"
jq -e '.revoked == 2 and .own_device.member == "alice" and .own_device.device == "phone"' "$WORK/body" >/dev/null ||
  fail "the burn's answer does not name the caller's own device: $(cat "$WORK/body")"
echo "   200 $(cat "$WORK/body")"
for _ in $(seq 100); do [ -z "$(gateway_peers)" ] && break; sleep 0.1; done
[ -z "$(gateway_peers)" ] || fail "the caller's own device is still on the interface after the answer"
member_cut_off || fail "the member still reaches the gateway after the burn"
[ "$(picket --json device list | jq '.devices | length')" = 0 ] || fail "devices are left after the burn"
echo "   the caller's device was cut right after its answer"

stop_picketd
echo "PASS"
