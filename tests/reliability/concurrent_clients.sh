#!/usr/bin/env bash
# 64 API clients at once for a bounded time: 48 on the root unix socket (as
# the CLI), 16 over HTTP with an admin session and CSRF token (as the web
# UI), each adding, revoking, reissuing and disabling its own member's
# devices and reading everyone's, while drift repair runs every second (with
# stray peers planted by hand) and devices expire. Afterwards: picketd still
# answers, every acknowledged change is there, the invariant holds, and a
# clean stop exits 0 (under the sanitizers: no leak, no error).
# Usage: concurrent_clients.sh BUILD_DIR [SECONDS]
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/ledger.sh"
DURATION=${2:-30}
CLIENTS=64
HTTP_CLIENTS=16
API=http://127.0.0.1:8080

command -v oathtool >/dev/null || fail "oathtool is missing (scripts/deps.sh --test installs it)"
setup_network
# A /16: 64 clients with up to 12 devices each do not fit in the default /24.
start_picketd_drift --ipv4-subnet 10.77.0.0/16 --dns-rate-limit 0

log "an admin and a session each for the HTTP clients"
http() { ip netns exec "$GW_NS" curl -s --max-time 60 "$@"; }
TOKEN=$(api GET /setup | jq -r .setup_token)
PASSWORD='tulip marble ferry 88'
SECRET=$(http -H 'Content-Type: application/json' \
  --data-binary '{"setup_token":"'"$TOKEN"'","username":"ana","password":"'"$PASSWORD"'"}' \
  "$API/api/v1/setup" | jq -r .totp_secret)
[ -n "$SECRET" ] && [ "$SECRET" != null ] || fail "admin setup failed"
http -c "$WORK/jar" -H 'Content-Type: application/json' \
  --data-binary '{"username":"ana","password":"'"$PASSWORD"'","totp":"'"$(oathtool --totp -b "$SECRET")"'"}' \
  "$API/api/v1/session" >"$WORK/login.json"
CSRF=$(jq -r .csrf_token "$WORK/login.json")
[ -n "$CSRF" ] && [ "$CSRF" != null ] || fail "login failed"
# Each HTTP client is an admin of its own, as in life: one person confirms
# one action at a time, and wrong passwords are counted per admin with the
# checks in flight included (Accounts::kConfirmFailures).
for ((c = 0; c < HTTP_CLIENTS; c++)); do
  secret=$(http -b "$WORK/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    --data-binary '{"username":"web'$c'","new_password":"'"$PASSWORD"'","password":"'"$PASSWORD"'"}' \
    "$API/api/v1/admins" | jq -r .totp_secret)
  [ -n "$secret" ] && [ "$secret" != null ] || fail "creating admin web$c failed"
  http -c "$WORK/jar$c" -H 'Content-Type: application/json' \
    --data-binary '{"username":"web'$c'","password":"'"$PASSWORD"'","totp":"'"$(oathtool --totp -b "$secret")"'"}' \
    "$API/api/v1/session" >"$WORK/login$c.json"
  CSRFS[c]=$(jq -r .csrf_token "$WORK/login$c.json")
  [ -n "${CSRFS[c]}" ] && [ "${CSRFS[c]}" != null ] || fail "login of web$c failed"
done

for ((c = 0; c < CLIENTS; c++)); do api POST /members '{"label":"c'$c'"}' >/dev/null; done

# call CLIENT METHOD PATH [BODY]: prints the HTTP status; the body goes to
# $WORK/c$CLIENT.body. Unix-socket clients are root; HTTP ones carry the
# session and the CSRF token. --max-time: a hung picketd fails the test
# instead of hanging it.
call() {
  local client=$1 method=$2 path=$3 body=${4:-}
  local args=(-s --max-time 60 -o "$WORK/c$client.body" -w '%{http_code}' -X "$method")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  if [ "$client" -lt "$HTTP_CLIENTS" ]; then
    ip netns exec "$GW_NS" curl "${args[@]}" -b "$WORK/jar$client" -H "X-CSRF-Token: ${CSRFS[client]}" "$API/api/v1$path"
  else
    curl "${args[@]}" --unix-socket "$WORK/picket.sock" "http://localhost/api/v1$path"
  fi
}

# One client: its own member c$1, a journal of acknowledged changes
# ("add|reissue NAME KEY", "revoke NAME", "disable|enable NAME"), and any
# unexpected answer in c$1.errors.
client() {
  local c=$1 deadline=$2 i=0 status key name pw=""
  # Over HTTP, adding, reissuing and enabling widen access: the admin's
  # password goes with them (Access::password); revoking and disabling need none.
  [ "$c" -lt "$HTTP_CLIENTS" ] && pw=',"password":"'"$PASSWORD"'"'
  local journal="$WORK/c$c.journal" errors="$WORK/c$c.errors"
  local -a mine=()
  : >"$journal"
  : >"$errors"
  : >"$WORK/c$c.reads"
  while [ "$(date +%s)" -lt "$deadline" ]; do
    local r=$((RANDOM % 100))
    # Each client gets only a few turns on a loaded machine: every kind of
    # request from its second turn on.
    if [ ${#mine[@]} -lt 1 ] || { [ $r -lt 35 ] && [ ${#mine[@]} -lt 12 ]; }; then
      key=$(head -c 32 /dev/urandom | base64)
      name="d$i"
      i=$((i + 1))
      status=$(call "$c" POST "/members/c$c/devices" '{"label":"'"$name"'","public_key":"'"$key"'"'"$pw"'}')
      if [ "$status" = 201 ]; then
        echo "add c$c/$name $key" >>"$journal"
        mine+=("$name")
      else
        echo "add $name: $status $(head -c 200 "$WORK/c$c.body")" >>"$errors"
      fi
    elif [ $r -lt 55 ]; then
      local pick=$((RANDOM % ${#mine[@]}))
      name=${mine[$pick]}
      status=$(call "$c" DELETE "/members/c$c/devices/$name")
      if [ "$status" = 200 ] || [ "$status" = 204 ]; then
        echo "revoke c$c/$name" >>"$journal"
        mine=("${mine[@]:0:$pick}" "${mine[@]:$((pick + 1))}")
      else
        echo "revoke $name: $status $(head -c 200 "$WORK/c$c.body")" >>"$errors"
      fi
    elif [ $r -lt 70 ]; then
      name=${mine[$((RANDOM % ${#mine[@]}))]}
      key=$(head -c 32 /dev/urandom | base64)
      status=$(call "$c" POST "/members/c$c/devices/$name/reissue" '{"public_key":"'"$key"'"'"$pw"'}')
      if [ "$status" = 200 ]; then
        echo "reissue c$c/$name $key" >>"$journal"
      else
        echo "reissue $name: $status $(head -c 200 "$WORK/c$c.body")" >>"$errors"
      fi
    elif [ $r -lt 78 ]; then
      name=${mine[$((RANDOM % ${#mine[@]}))]}
      local action=disable
      if [ $((RANDOM % 2)) -eq 0 ]; then action=enable; fi
      local body='{}'
      [ "$action" = enable ] && body="{${pw#,}}"
      status=$(call "$c" POST "/members/c$c/devices/$name/$action" "$body")
      if [ "$status" = 200 ]; then
        echo "$action c$c/$name" >>"$journal"
      else
        echo "$action $name: $status $(head -c 200 "$WORK/c$c.body")" >>"$errors"
      fi
    else
      # Reads: the whole list, someone else's devices, one of ours.
      local path="/devices"
      case $((RANDOM % 3)) in
        1) path="/members/c$((RANDOM % CLIENTS))/devices" ;;
        2) path="/members/c$c/devices/${mine[$((RANDOM % ${#mine[@]}))]}" ;;
      esac
      status=$(call "$c" GET "$path")
      [ "$status" = 200 ] || echo "GET $path: $status $(head -c 200 "$WORK/c$c.body")" >>"$errors"
      echo "$path" >>"$WORK/c$c.reads"
    fi
  done
}

# Devices that expire one after another while the clients run, so the
# expiry timer fires under load (a client's own expiry would have to allow
# for its request waiting in the queue).
api POST /members '{"label":"exp"}' >/dev/null
: >"$WORK/exp.journal"
for ((i = 0; i < 32; i++)); do
  key=$(head -c 32 /dev/urandom | base64)
  api POST /members/exp/devices '{"label":"e'$i'","public_key":"'"$key"'","expires_at":'$(($(date +%s) + 5 + i * DURATION / 32))'}' \
    >/dev/null || fail "cannot add expiring device e$i"
  echo "add exp/e$i $key" >>"$WORK/exp.journal"
done

log "$CLIENTS clients for $DURATION s, drift repair every second, strays planted by hand"
DEADLINE=$(($(date +%s) + DURATION))
pids=()
for ((c = 0; c < CLIENTS; c++)); do
  client "$c" "$DEADLINE" &
  pids+=($!)
done
strays=0
while [ "$(date +%s)" -lt "$DEADLINE" ]; do
  ip netns exec "$GW_NS" wg set "$GW_IF" peer "$(head -c 32 /dev/urandom | base64)" allowed-ips 10.77.250.$((strays % 250 + 1))/32
  strays=$((strays + 1))
  sleep 1
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a client failed"; done
cat "$WORK"/c*.errors >"$WORK/errors"
requests=$(cat "$WORK"/c*.journal | wc -l)
reads=$(cat "$WORK"/c*.reads | wc -l)
if [ -s "$WORK/errors" ]; then
  head -n 20 "$WORK/errors"
  fail "$(wc -l <"$WORK/errors") requests got an unexpected answer ($requests changes went through)"
fi
log "$requests changes acknowledged and $reads reads answered for $CLIENTS clients; $strays stray peers planted"
[ "$requests" -ge "$CLIENTS" ] || fail "too few changes went through: $requests"

log "no lost update: every acknowledged change is what picketd has"
# Replay the journals (each client touched only its own member's devices, so
# per-device order is the client's order).
cat "$WORK"/c*.journal "$WORK/exp.journal" | awk '
  $1 == "add" { key[$2] = $3; enabled[$2] = 1 }
  # A reissue gives new keys and keeps the device enabled or disabled.
  $1 == "reissue" { key[$2] = $3 }
  $1 == "revoke" { delete key[$2]; delete enabled[$2] }
  $1 == "disable" { enabled[$2] = 0 }
  $1 == "enable" { enabled[$2] = 1 }
  END { for (n in key) print n " " key[n] " " (enabled[n] ? "true" : "false") }' | sort >"$WORK/want"
api GET /devices | jq -r '.devices[] | "\(.member)/\(.label) \(.public_key) \(.enabled)"' |
  sort >"$WORK/have"
if ! diff "$WORK/want" "$WORK/have" >"$WORK/lost.diff"; then
  head -n 20 "$WORK/lost.diff"
  fail "picketd's devices differ from the acknowledged changes"
fi

log "the invariant holds (expiries included: the checker leaves out only those due within 2 s)"
invariant ||
  fail "the invariant does not hold after the concurrent run"
expired=$(api GET /members/exp/devices | jq '[.devices[] | select(.active | not)] | length')
[ "$expired" -gt 0 ] || fail "no device expired during the run"
stop_picketd
log "concurrency: $CLIENTS clients, $requests acknowledged changes and $reads reads, 0 lost, $expired devices expired during the run, invariant holds"
