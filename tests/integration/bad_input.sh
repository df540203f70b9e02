#!/usr/bin/env bash
# Bad input gets a clear error and changes nothing: after each refused
# request the database dump and the interface's peers are exactly as before.
# Usage: bad_input.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

setup_network
start_picketd
picket member add alice >/dev/null
picket device add alice phone --no-qr >/dev/null

snapshot() {
  sqlite3 "$WORK/state/picket.db" .dump
  # A stopped picketd has taken its interface down with it.
  if ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1; then
    ip netns exec "$GW_NS" wg showconf "$GW_IF"
    ip -n "$GW_NS" addr show dev "$GW_IF" | grep inet
  else
    echo "no interface"
  fi
}

# refused EXPECTED-MESSAGE-PART -- picket ARGS...: must exit non-zero with one
# line on stderr containing the expected text, and change nothing.
refused() {
  local expected=$1
  shift 2
  local before after
  before=$(snapshot)
  if picket "$@" >"$WORK/out" 2>"$WORK/err"; then fail "accepted: picket $*"; fi
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "not one line of error for: picket $*"; }
  grep -qF -- "$expected" "$WORK/err" || { cat "$WORK/err"; fail "unclear error for: picket $* (wanted '$expected')"; }
  after=$(snapshot)
  [ "$before" = "$after" ] || fail "state changed by refused: picket $*"
  echo "   refused as expected: picket $* -> $(cat "$WORK/err")"
}

# api METHOD PATH BODY EXPECTED-STATUS EXPECTED-MESSAGE-PART, straight to picketd.
api_refused() {
  local before after status
  before=$(snapshot)
  status=$(curl -s -o "$WORK/body" -w '%{http_code}' --unix-socket "$WORK/picket.sock" \
    -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "http://localhost$2")
  [ "$status" = "$4" ] || { cat "$WORK/body"; fail "status $status instead of $4 for $1 $2"; }
  grep -qF -- "$5" "$WORK/body" || { cat "$WORK/body"; fail "unclear error for $1 $2 (wanted '$5')"; }
  after=$(snapshot)
  [ "$before" = "$after" ] || fail "state changed by refused $1 $2"
  echo "   refused as expected: $1 $2 -> $(cat "$WORK/body")"
}

log "malformed and unusable keys"
refused "not a WireGuard key" -- device add alice tab --pubkey not-a-key
refused "small order" -- device add alice tab --pubkey AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
refused "all zero" -- device add alice tab --pubkey AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
PHONE_KEY=$(picket --json device show alice phone | sed -n 's/.*"public_key": "\(.*\)".*/\1/p')
refused "public key already exists" -- device add alice tab --pubkey "$PHONE_KEY"
api_refused POST /api/v1/members/alice/devices '{"label":"tab","public_key":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}' 400 "small order"
api_refused POST /api/v1/members/alice/devices '{"label":"tab","public_key":"'"${PHONE_KEY:0:43}"'"}' 400 "not a WireGuard key"

log "bad labels"
refused "32" -- member add "$(printf 'a%.0s' $(seq 33))"
refused "may use" -- member add "$(printf 'bad\001label')"
refused "may use" -- member add "bad label"
refused "may use" -- member add "zoë"
refused "may use" -- device add alice "phone-" --no-qr
refused "already" -- member add alice
refused "already" -- member add ALICE
refused "already" -- device add alice phone --no-qr

log "unknown member or device"
refused "no member" -- device add bob phone --no-qr
refused "no member" -- member remove bob
refused "no device" -- device revoke alice tablet
refused "no device" -- device disable alice tablet
refused "no device" -- device reissue alice tablet --no-qr

log "bad subnets, endpoints and other settings"
refused "/16" -- init --ipv4 10.0.0.0/8
refused "host bits" -- init --ipv4 10.77.0.1/24
refused "IPv4" -- init --ipv4 fd00::/64
refused "is not an IP prefix" -- init --ipv4 10.77.0.0/33
refused "while devices exist" -- init --ipv4 10.78.0.0/24
refused "endpoint" -- init --endpoint "no-port-here"
refused "endpoint" -- init --endpoint "vpn.example.org:70000"
refused "loopback" -- init --endpoint "127.0.0.1:51820"
refused "localhost" -- init --endpoint "localhost:51820"
refused "unspecified" -- init --endpoint "[::]:51820"
refused "fc00::/7" -- init --ipv6 2001:db8:77::/64
refused "time" -- device add alice tab --expires yesterday --no-qr
refused "past" -- device add alice tab --expires @1000 --no-qr

log "malformed API requests"
api_refused POST /api/v1/members '{"label": "carol", "nickname": "x"}' 400 "unknown field 'nickname'"
api_refused POST /api/v1/members '{"label": 7}' 400 "must be a string"
api_refused POST /api/v1/members '{"label": "carol"' 400 "not valid JSON"
api_refused POST /api/v1/members '[]' 400 "JSON object"
api_refused POST /api/v1/members/alice/devices '{"label":"tab","public_key":"'"$PHONE_KEY"'","keepalive":70000}' 400 "between"
api_refused POST /api/v1/members/alice/devices '{"label":"tab","public_key":"'"$PHONE_KEY"'","allowed_ips":["10.0.0.0/99"]}' 400 "10.0.0.0/99"
api_refused PUT /api/v1/members/alice/devices/phone/expiry '{}' 400 "expires_at"
api_refused DELETE /api/v1/settings '' 405 "not allowed"
api_refused GET /api/v1/nothing '' 404 "unknown API path"
api_refused GET /api/v1/members/%2e%2e/devices '' 400 "may use"
api_refused POST /api/v1/members "$(head -c 70000 /dev/zero | tr '\0' ' ')" 413 "too large"

log "an exhausted subnet"
picket device revoke alice phone >/dev/null
refused "overlaps 172.31.250.0/30" -- init --ipv4 172.31.248.0/22
refused "fc00::/7" -- init --ipv6 ::/64
picket init --ipv4 10.77.0.0/30 >/dev/null
picket device add alice one --no-qr >/dev/null
refused "full" -- device add alice two --no-qr

log "CLI argument errors: exit status 2 and one line, before picketd is asked"
for args in "device add alice" "device add" "member" "device frobnicate" "device add alice x --keepalive soon" \
            "device expire alice phone --at 1h --never" "--no-such-flag status"; do
  before=$(snapshot)
  set +e
  # shellcheck disable=SC2086
  picket $args >/dev/null 2>"$WORK/err"
  status=$?
  set -e
  [ $status -eq 2 ] || fail "picket $args exited $status, not 2"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "not one line of error for: picket $args"; }
  [ "$before" = "$(snapshot)" ] || fail "state changed by: picket $args"
  echo "   refused as expected: picket $args -> $(cat "$WORK/err")"
done

log "a stopped picketd"
stop_picketd
refused "is picketd running" -- member list

log "bad input: all checks passed"
