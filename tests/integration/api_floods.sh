#!/usr/bin/env bash
# shellcheck disable=SC2046  # $(post_json) and its kind print curl options meant to split
# Floods against the admin HTTP API, bounded in count, over real sockets
# (issue 17, items 6 and 7): bogus logins at once are counted before their
# Argon2id and a real login from a clean source is not queued behind them;
# half-sent requests from one source (slowloris, real sockets from Python)
# fill only that source's connection cap, and a trickled body is cut off.
# Usage: api_floods.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"

setup_network
start_picketd
PASSWORD='tulip marble ferry 88'
post_json() { echo "-X POST -H Content-Type:application/json --data-binary"; }
# bogus_login SOURCE N: one wrong login from 127.0.0.SOURCE (a username of
# its own, so only the per-source limit applies); appends its status to
# $WORK/order when answered.
bogus_login() {
  local status
  status=$(ip netns exec "$GW_NS" curl -s --max-time 180 -o /dev/null -w '%{http_code}' --interface "127.0.0.$1" \
    $(post_json) '{"username":"u'"$1"'x'"$2"'","password":"bogus-password-'"$2"'","totp":"000000"}' "$API/api/v1/session")
  echo "$status" >>"$WORK/order"
}
# Waits until N connections to the API are open (the flood has arrived).
wait_connections() {
  for _ in $(seq 300); do
    [ "$(ip netns exec "$GW_NS" ss -Htn state established '( dport = :8080 )' | wc -l)" -ge "$1" ] && return 0
    sleep 0.1
  done
  fail "fewer than $1 connections arrived"
}

TOKEN=$(picket --json admin setup-url | jq -r .setup_token)
expect 201 "setup" $(post_json) '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' "$API/api/v1/setup"
SECRET=$(jq -r .totp_secret "$WORK/body")

log "30 bogus logins at once from one source: only the limit's worth is hashed"
# One process sends all 30 at the same moment, on 30 connections.
ip netns exec "$GW_NS" timeout 300 python3 "$(dirname "$0")/slow_clients.py" burst 127.0.0.9 8080 30 >"$WORK/order"
hashed=$(grep -c '^401$' "$WORK/order" || true)
refused=$(grep -c '^429$\|^503$' "$WORK/order" || true)
echo "   401 (hashed): $hashed, 429/503 (refused before hashing): $refused"
[ "$((hashed + refused))" = 30 ] || fail "unexpected answers: $(sort "$WORK/order" | uniq -c | tr '\n' ' ')"
[ "$hashed" -le 10 ] || fail "$hashed of 30 concurrent bogus logins were hashed; the per-source limit is 10"
# Refused before hashing means refused at once: every refusal arrives
# before the hashed answers (before the fix the 20 were hashed too, after
# the 10, and refused only then).
late=$(awk '/^401$/ { hashed++ } /^(429|503)$/ { late = hashed } END { print late + 0 }' "$WORK/order")
echo "   hashed answers that arrived before the last refusal: $late"
[ "$late" -le 2 ] || fail "refusals came after $late hashed answers: they were hashed first"

log "60 bogus logins at once from six sources, then a real one from 127.0.0.1"
: >"$WORK/order"
pids=()
for s in 2 3 4 5 6 7; do
  for i in $(seq 10); do bogus_login "$s" "$i" & pids+=($!); done
done
wait_connections 40
sleep 1 # let picketd read the requests that arrived
code=$(oathtool --totp -b "$SECRET")
status=$(http --max-time 180 $(post_json) '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$code"'"}' "$API/api/v1/session")
echo "REAL $status" >>"$WORK/order"
wait "${pids[@]}"
[ "$status" = 200 ] || fail "the real login answered $status during the flood"
before=$(sed '/^REAL/q' "$WORK/order" | grep -c '^401$' || true)
echo "   answers: $(grep -v REAL "$WORK/order" | sort | uniq -c | tr '\n' ' '); bogus logins hashed before the real one: $before"
# The real login waits for the job running and the other clean sources'
# first tries (one each), after whatever ran before it arrived; never
# behind every bogus one (they all were, 60, before the fix).
[ "$before" -le 20 ] || fail "the real login waited behind $before bogus ones"

log "slowloris: 520 half-sent requests from 127.0.0.2 lock nobody else out"
ip netns exec "$GW_NS" python3 "$(dirname "$0")/slow_clients.py" hold 127.0.0.2 8080 520 "$WORK/slow.ready" 60 &
SLOW_PID=$!
for _ in $(seq 600); do [ -s "$WORK/slow.ready" ] && break; sleep 0.1; done
[ -s "$WORK/slow.ready" ] || fail "the slow clients did not settle"
closed=$(cat "$WORK/slow.ready")
echo "   of 520 half-sent requests from one source, picketd closed $closed at once"
status=$(http --max-time 20 "$API/api/v1/session" || true)
[ "$status" = 401 ] || fail "127.0.0.1 was not served while 127.0.0.2 held its connections (status $status; 000: hung up)"
echo "   another source is served meanwhile -> $status"
[ "$closed" -ge 488 ] || fail "picketd kept $((520 - closed)) connections from one source open; the cap is 32"
kill "$SLOW_PID" 2>/dev/null; wait "$SLOW_PID" 2>/dev/null || true

log "a body sent a byte a second is cut off at the body deadline"
sent=$(ip netns exec "$GW_NS" timeout 120 python3 "$(dirname "$0")/slow_clients.py" body 8080)
echo "   the server hung up after $sent of 100 body bytes"
[ "$sent" -lt 100 ] || fail "a trickled body was read to its end"

stop_picketd
echo "PASS"
