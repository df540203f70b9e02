#!/usr/bin/env bash
# picketd --role controller driving two gateway hosts (picket-gateway on the
# userspace backend), each in a namespace of its own, with a member behind
# each (wireguard-go). Checks what the README promises for the controller
# role: no device is added while no gateway could take it; a device added
# on the controller gets one config per gateway (its endpoint, its own
# WireGuard key, its fingerprint; one gateway's config does not work at
# another) and works through each gateway; a device assigned to one gateway
# is served there only and follows a move before the CLI returns; the web
# admin in Chromium (tests/browser/fleet_gateways.mjs) adds a device kept to
# one gateway, shows that gateway's config only (zbarimg reads its QR code,
# the member's ping goes through), and its Gateways dialog puts it on every
# gateway behind the password, saying what each did; `picket status` shows its
# live handshake on each gateway without its address; a
# revoke has left both gateways before the CLI returns, and says so per
# gateway; a gateway cut off from its controller keeps serving until its
# lease ends, then drops every peer, and resyncs to exactly the
# controller's state when the link is back; a gateway restarted with an
# empty memory gets everything back; kill -9 of a gateway and of the
# controller during changes loses no acknowledged change and leaves no
# gateway with a peer the controller does not want; a gateway's disk and
# log hold no member label, key, address or endpoint after real traffic.
# Usage: gateway_fleet.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"

AGENT="$BIN_DIR/gateway/picket-gateway"
[ -x "$AGENT" ] || fail "no picket-gateway in $BIN_DIR/gateway"
CTL_NS="pkt-ctl-$ID"
CTL_ADDRESS=172.31.252.1
LEASE=8
API_PORT=18083  # the web admin, on 127.0.0.1 in the controller's namespace
WEB_DIR="$(cd "$(dirname "$0")/../.." && pwd)/web-admin"
ARTIFACTS="$BIN_DIR/tests/browser/artifacts"
command -v chromium >/dev/null || fail "chromium is not installed (scripts/deps.sh --test installs it)"
[ -d "$WEB_DIR/node_modules/playwright-core" ] || fail "web-admin/node_modules is missing: run scripts/build.sh first"
NAMES=(a b)
declare -A NS GW_IFACE UP_ADDRESS MEMBER_NS MEMBER_IF OUTER MEMBER_OUTER AGENT_PID
for g in "${NAMES[@]}"; do
  NS[$g]="pkt-g$g-$ID"
  GW_IFACE[$g]="p$g$ID"
  MEMBER_NS[$g]="pkt-m$g-$ID"
  MEMBER_IF[$g]="m$g$ID"
  AGENT_PID[$g]=""
done
UP_ADDRESS[a]=172.31.251.2
UP_ADDRESS[b]=172.31.251.6
OUTER[a]=172.31.253.1
OUTER[b]=172.31.253.5
MEMBER_OUTER[a]=172.31.253.2
MEMBER_OUTER[b]=172.31.253.6

cleanup_fleet() {
  local g pid ns
  for g in "${NAMES[@]}"; do
    [ -n "${AGENT_PID[$g]}" ] && kill -9 "${AGENT_PID[$g]}" 2>/dev/null
  done
  for ns in "$CTL_NS" "${NS[@]}" "${MEMBER_NS[@]}"; do
    if ip netns list | grep_quiet -w "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
      ip netns delete "$ns"
    fi
  done
  for g in "${NAMES[@]}"; do
    rm -f "/var/run/wireguard/${GW_IFACE[$g]}.sock" "/var/run/wireguard/${MEMBER_IF[$g]}.sock"
  done
}
CLEANUP_HOOKS+=(cleanup_fleet)

fail_fleet() {
  local g
  for g in "${NAMES[@]}"; do
    [ -f "$WORK/agent-$g.log" ] && { echo "--- gateway $g log:" >&2; tail -n 20 "$WORK/agent-$g.log" >&2; }
  done
  fail "$@"
}

# The controller's namespace reaches both gateways; each gateway has its
# member on a link of its own. The controller's address is on its loopback,
# routed from each gateway over its own link, so one token names it.
setup_fleet_network() {
  ip netns add "$CTL_NS"
  ip -n "$CTL_NS" link set lo up
  ip -n "$CTL_NS" addr add "$CTL_ADDRESS/32" dev lo
  local g i=0
  for g in "${NAMES[@]}"; do
    ip netns add "${NS[$g]}"
    ip netns add "${MEMBER_NS[$g]}"
    ip -n "${NS[$g]}" link set lo up
    ip -n "${MEMBER_NS[$g]}" link set lo up
    # controller <-> gateway
    ip link add "c$g$ID" type veth peer name "u$g$ID"
    ip link set "c$g$ID" netns "$CTL_NS"
    ip link set "u$g$ID" netns "${NS[$g]}"
    local base=$((i * 4))
    ip -n "$CTL_NS" addr add "172.31.251.$((base + 1))/30" dev "c$g$ID"
    ip -n "${NS[$g]}" addr add "${UP_ADDRESS[$g]}/30" dev "u$g$ID"
    ip -n "$CTL_NS" link set "c$g$ID" up
    ip -n "${NS[$g]}" link set "u$g$ID" up
    ip -n "${NS[$g]}" route add "$CTL_ADDRESS/32" via "172.31.251.$((base + 1))"
    # gateway <-> member
    ip link add "o$g$ID" type veth peer name "i$g$ID"
    ip link set "o$g$ID" netns "${NS[$g]}"
    ip link set "i$g$ID" netns "${MEMBER_NS[$g]}"
    ip -n "${NS[$g]}" addr add "${OUTER[$g]}/30" dev "o$g$ID"
    ip -n "${MEMBER_NS[$g]}" addr add "${MEMBER_OUTER[$g]}/30" dev "i$g$ID"
    ip -n "${NS[$g]}" link set "o$g$ID" up
    ip -n "${MEMBER_NS[$g]}" link set "i$g$ID" up
    i=$((i + 1))
  done
}

start_controller() {
  ip netns exec "$CTL_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
    --role controller --channel-host "$CTL_ADDRESS" --channel-port 51821 \
    --gateway-answer-timeout 3000 --interface "pk$ID" --endpoint "${OUTER[a]}:51820" \
    --api-port "$API_PORT" --no-dns --drift-interval 1 >>"$WORK/picketd.log" 2>&1 &
  PICKETD_PID=$!
  for _ in $(seq 100); do
    [ -S "$WORK/picket.sock" ] && picket status >/dev/null 2>&1 && return 0
    kill -0 "$PICKETD_PID" 2>/dev/null || fail "picketd --role controller exited at start"
    sleep 0.1
  done
  fail "picketd --role controller did not open its socket"
}

start_agent() {
  local g=$1
  ip netns exec "${NS[$g]}" "$AGENT" run --state-dir "$WORK/gw-$g" --interface "${GW_IFACE[$g]}" \
    --backend userspace --uplink none --no-dns --lease "$LEASE" >>"$WORK/agent-$g.log" 2>&1 &
  AGENT_PID[$g]=$!
}

enrol() {
  local g=$1 token
  token=$(picket gateway add "gw-$g" --endpoint "${OUTER[$g]}:51820" 2>/dev/null) ||
    fail "picket gateway add gw-$g failed"
  mkdir -p "$WORK/gw-$g"
  printf '%s\n' "$token" | ip netns exec "${NS[$g]}" "$AGENT" enrol - --state-dir "$WORK/gw-$g" \
    >>"$WORK/agent-$g.log" 2>&1 || fail_fleet "picket-gateway enrol failed on gw-$g"
  start_agent "$g"
}

# gateway_keys G: the peers on gateway G's interface, sorted.
gateway_keys() { ip netns exec "${NS[$1]}" wg show "${GW_IFACE[$1]}" peers 2>/dev/null | sort; }
# The peers the controller wants: every enabled device's key.
wanted_keys() {
  picket --json device list | jq -r '.devices[] | select(.enabled) | .public_key' | sort
}

# Waits until both gateways are connected and hold the controller's version.
wait_current() {
  local what=$1
  for _ in $(seq 150); do
    [ "$(picket --json gateway list | jq '[.gateways[] | select(.connected and .current)] | length')" = 2 ] && return 0
    sleep 0.2
  done
  picket gateway list >&2 || true
  fail_fleet "the gateways did not become current ($what)"
}

# Each gateway holds exactly the peers the controller wants.
check_exact() {
  local what=$1 wanted g
  wanted=$(wanted_keys)
  for g in "${NAMES[@]}"; do
    [ "$(gateway_keys "$g")" = "$wanted" ] ||
      fail_fleet "gateway $g does not hold exactly the controller's peers ($what)"
  done
}

# member_up G CONF: the member behind gateway G dials it with CONF, as
# the CLI wrote it (each gateway's config names that gateway's endpoint).
member_up() {
  local g=$1
  cp "$2" "$WORK/member-$g.conf"
  wg_client_up "${MEMBER_NS[$g]}" "${MEMBER_IF[$g]}" "$WORK/member-$g.conf" "$WORK/member-$g.stripped"
}
# gateway_public_key G: the key gateway G's interface answers with.
gateway_public_key() { ip netns exec "${NS[$1]}" wg show "${GW_IFACE[$1]}" public-key; }
member_reaches() {
  local g=$1 tries=${2:-10}
  for _ in $(seq "$tries"); do
    ip netns exec "${MEMBER_NS[$g]}" ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && return 0
  done
  return 1
}
member_blocked() { ! ip netns exec "${MEMBER_NS[$1]}" ping -c3 -i0.5 -W1 10.77.0.1 >/dev/null 2>&1; }
public_key_of() { picket --json device show "$1" "$2" | jq -r .public_key; }
# What a gateway must never write down about a device: its key and addresses.
MEMBER_DATA=()
remember_device() {
  local shown
  shown=$(picket --json device show organizer "$1")
  MEMBER_DATA+=("$(jq -r .public_key <<<"$shown")" "$(jq -r .ipv4 <<<"$shown")" "$(jq -r .ipv6 <<<"$shown")")
}

setup_fleet_network
log "controller and two gateways enrol"
start_controller
picket gateway list | grep_quiet "No gateway is enrolled" || fail "a new controller lists gateways"
picket member add organizer >/dev/null
picket device add organizer early --no-qr --conf "$WORK/early.conf" >"$WORK/early.out" 2>&1 &&
  fail "a device was added while no gateway could take it"
grep_quiet "no gateway host is enrolled" "$WORK/early.out" || fail "the refusal does not say why: $(cat "$WORK/early.out")"
[ "$(picket --json device list | jq '.devices | length')" = 0 ] || fail "the refused device was kept"
enrol a
enrol b
wait_current "after enrolment"
picket gateway add gw-a --endpoint 172.31.253.9:51820 >/dev/null 2>&1 &&
  fail "a second gateway could be promised the name gw-a"
picket gateway add gw-c --endpoint 127.0.0.1:51820 >/dev/null 2>&1 &&
  fail "a gateway could be given an endpoint no phone can dial"
# A token is used once: a third host with gw-a's spent token gets nothing.
ip netns exec "${NS[b]}" "$AGENT" enrol - --state-dir "$WORK/gw-spent" <<<"not a token" >/dev/null 2>&1 &&
  fail "picket-gateway took a made-up token"

log "a device added on the controller gets one config per gateway and works through each"
picket device add organizer phone --no-qr --conf "$WORK/phone.conf" >"$WORK/phone.out"
wait_current "after the device was added"
check_exact "after the device was added"
[ ! -e "$WORK/phone.conf" ] || fail "a controller wrote a config that names no gateway"
GATEWAY_SECRETS=()
for g in "${NAMES[@]}"; do
  conf="$WORK/phone-gw-$g.conf"
  [ -f "$conf" ] || fail "no config for gw-$g: $(ls "$WORK")"
  grep_quiet -Fx "Endpoint = ${OUTER[$g]}:51820" "$conf" || fail "the config for gw-$g does not dial it"
  grep_quiet -Fx "PublicKey = $(gateway_public_key "$g")" "$conf" ||
    fail "the config for gw-$g does not name the key gw-$g answers with"
  fingerprint=$(picket --json gateway list | jq -r --arg n "gw-$g" '.gateways[] | select(.name == $n) | .fingerprint')
  grep_quiet -F "Gateway gw-$g: key fingerprint (check it in person) $fingerprint" "$WORK/phone.out" ||
    fail "the CLI does not give gw-$g's fingerprint"
  GATEWAY_SECRETS+=("$(ip netns exec "${NS[$g]}" wg show "${GW_IFACE[$g]}" private-key)")
done
[ "$(gateway_public_key a)" != "$(gateway_public_key b)" ] || fail "the two gateways share a WireGuard key"
# The configs differ in Endpoint and PublicKey only.
[ "$(diff "$WORK/phone-gw-a.conf" "$WORK/phone-gw-b.conf" | grep -c '^[<>]')" = 4 ] ||
  fail "the two configs differ in more than Endpoint and PublicKey"
# gw-b's config, pointed at gw-a, names a key gw-a does not hold: no tunnel.
sed "s/^Endpoint = .*/Endpoint = ${OUTER[a]}:51820/" "$WORK/phone-gw-b.conf" >"$WORK/crossed.conf"
member_up a "$WORK/crossed.conf"
member_reaches a 3 && fail_fleet "gw-b's config works at gw-a: the gateways do not have keys of their own"
for g in "${NAMES[@]}"; do
  member_up "$g" "$WORK/phone-gw-$g.conf"
  member_reaches "$g" 20 || fail_fleet "the member does not reach gateway $g's tunnel address"
done

log "status shows the live handshake on each gateway, and no member address"
status=$(picket --json status)
for g in "${NAMES[@]}"; do
  [ "$(jq -r --arg n "gw-$g" '.devices[] | select(.label == "phone") | .gateways[] | select(.name == $n) | .last_handshake > 0' <<<"$status")" = true ] ||
    fail_fleet "picket status shows no handshake of the phone on gw-$g: $status"
done
[ "$(jq '.devices[] | select(.label == "phone") | .last_handshake > 0 and .rx_bytes > 0' <<<"$status")" = true ] ||
  fail_fleet "picket status has no live figures for the phone: $status"
picket status | grep_quiet -E "phone .*gw-[ab] .*, gw-[ab] " || fail "picket status names no gateway per device"
for address in "${MEMBER_OUTER[@]}"; do
  grep_quiet -F "$address" <<<"$status" && fail "picket status gives a member's address"
done
PHONE_KEY=$(public_key_of organizer phone)
remember_device phone

log "a device assigned to gw-a is served there only; moved, it follows before the CLI returns"
picket device add organizer tablet --gateway gw-a --no-qr --conf "$WORK/tablet.conf" >"$WORK/tablet.out"
[ -f "$WORK/tablet-gw-a.conf" ] || fail "no config for the gateway the tablet is assigned to"
[ ! -e "$WORK/tablet-gw-b.conf" ] || fail "a config was made for a gateway the tablet is not on"
TABLET_KEY=$(public_key_of organizer tablet)
wait_current "after the tablet was added"
gateway_keys a | grep_quiet -F "$TABLET_KEY" || fail_fleet "gw-a lacks the tablet assigned to it"
gateway_keys b | grep_quiet -F "$TABLET_KEY" && fail_fleet "gw-b holds a tablet not assigned to it"
picket device gateways organizer tablet | grep_quiet -Fx "gateways: only gw-a" ||
  fail "picket device gateways does not show the assignment"
member_up a "$WORK/tablet-gw-a.conf"
member_reaches a 20 || fail_fleet "the tablet does not reach the gateway it is assigned to"
answer=$(picket --json device gateways organizer tablet gw-b)
for g in "${NAMES[@]}"; do
  [ "$(jq -r --arg n "gw-$g" '.gateways[] | select(.name == $n) | .outcome' <<<"$answer")" = applied ] ||
    fail_fleet "moving the tablet: the answer does not say gw-$g applied it: $answer"
done
gateway_keys a | grep_quiet -F "$TABLET_KEY" && fail_fleet "gw-a still holds the tablet when the CLI returned"
gateway_keys b | grep_quiet -F "$TABLET_KEY" || fail_fleet "gw-b did not get the tablet moved to it"
member_blocked a || fail_fleet "the tablet moved off gw-a still reaches it"
picket device gateways organizer tablet gw-x >/dev/null 2>&1 && fail "an unknown gateway was accepted"
[ "$(picket --json device gateways organizer tablet | jq -c .assigned_gateways)" = '["gw-b"]' ] ||
  fail "a refused assignment changed the stored one"
picket device gateways organizer tablet --all >/dev/null
check_exact "with the tablet on every gateway"
picket device revoke organizer tablet >/dev/null
member_up a "$WORK/phone-gw-a.conf"
member_reaches a 20 || fail_fleet "the phone no longer reaches gw-a"

log "the web admin in Chromium: a device kept to gw-b gets its config only, then every gateway"
TOKEN=$(sed -n 's/.*one-time setup token.*: \([^ ]*\)$/\1/p' "$WORK/picketd.log" | tail -n1)
[ -n "$TOKEN" ] || fail "the controller printed no setup token"
mkdir -p "$ARTIFACTS"
ip netns exec "$CTL_NS" env PICKET_URL="http://127.0.0.1:$API_PORT" PICKET_SETUP_TOKEN="$TOKEN" \
  WORK="$WORK" ARTIFACTS="$ARTIFACTS" PICKET_WEB_DIR="$WEB_DIR" \
  PICKET_GATEWAYS="$(picket --json gateway list | jq -c '[.gateways[] | {name, endpoint, fingerprint}]')" \
  node "$(dirname "$0")/../browser/fleet_gateways.mjs" ||
  fail "the web admin on the controller failed (screenshots in $ARTIFACTS)"
[ "$(qr_decode "$WORK/laptop-qr.png")" = "$(cat "$WORK/laptop-gw-b.conf")" ] ||
  fail "zbarimg does not read the page's gw-b QR code as the downloaded gw-b config"
grep_quiet -Fx "Endpoint = ${OUTER[b]}:51820" "$WORK/laptop-gw-b.conf" || fail "the browser's gw-b config does not dial gw-b"
grep_quiet -Fx "PublicKey = $(gateway_public_key b)" "$WORK/laptop-gw-b.conf" ||
  fail "the browser's gw-b config does not name the key gw-b answers with"
remember_device laptop
check_exact "with the laptop the browser put on every gateway"
member_up b "$WORK/laptop-gw-b.conf"
member_reaches b 20 || fail_fleet "the laptop added in the browser does not reach gw-b"
picket device revoke organizer laptop >/dev/null
member_up b "$WORK/phone-gw-b.conf"
member_reaches b 20 || fail_fleet "the phone no longer reaches gw-b"

log "a revoke has left both gateways before the CLI returns"
answer=$(picket --json device revoke organizer phone)
for g in "${NAMES[@]}"; do
  [ "$(jq -r --arg n "gw-$g" '.gateways[] | select(.name == $n) | .outcome' <<<"$answer")" = applied ] ||
    fail_fleet "the revoke's answer does not say gw-$g applied it: $answer"
  gateway_keys "$g" | grep_quiet -F "$PHONE_KEY" && fail_fleet "gateway $g still has the revoked peer when the CLI returned"
done
for g in "${NAMES[@]}"; do member_blocked "$g" || fail_fleet "the revoked member still reaches gateway $g"; done
picket device revoke organizer phone >/dev/null 2>&1 && fail "a second revoke of the same device succeeded"

log "a gateway cut off from its controller serves until its lease ends, then drops every peer"
picket device add organizer laptop --no-qr --conf "$WORK/laptop.conf" >/dev/null
wait_current "after the laptop was added"
remember_device laptop
member_up a "$WORK/laptop-gw-a.conf"
member_reaches a 20 || fail_fleet "the laptop does not reach gateway a"
ip -n "$CTL_NS" link set "ca$ID" down
cut_at=$(date +%s)
# While the lease runs, gateway a still serves.
member_reaches a 3 || fail_fleet "gateway a stopped serving at once when its controller went away"
picket device add organizer tablet --no-qr --conf "$WORK/tablet.conf" >/dev/null
remember_device tablet
answer=$(picket --json device disable organizer laptop)
[ "$(jq -r '.gateways[] | select(.name == "gw-a") | .outcome' <<<"$answer")" = unreachable ] ||
  fail_fleet "a change while gw-a is cut off does not say it is unreachable: $answer"
[ "$(jq -r '.gateways[] | select(.name == "gw-b") | .outcome' <<<"$answer")" = applied ] ||
  fail_fleet "a change while gw-a is cut off does not say gw-b applied it: $answer"
for _ in $(seq $((LEASE * 4))); do
  [ -z "$(gateway_keys a)" ] && break
  sleep 0.5
done
[ -z "$(gateway_keys a)" ] || fail_fleet "gateway a kept its peers after its lease ended"
[ $(($(date +%s) - cut_at)) -ge $((LEASE - 2)) ] || fail_fleet "gateway a dropped its peers before its lease ended"
grep_quiet -i "lease" "$WORK/agent-a.log" || fail_fleet "gateway a's log does not say its lease ended"
log "restored, it resyncs to exactly the controller's state"
ip -n "$CTL_NS" link set "ca$ID" up
wait_current "after the link came back"
check_exact "after the link came back"
member_up a "$WORK/tablet-gw-a.conf"
member_reaches a 20 || fail_fleet "the tablet does not reach gateway a after the resync"

log "a gateway restarted with an empty memory gets everything back"
kill -9 "${AGENT_PID[b]}"
wait "${AGENT_PID[b]}" 2>/dev/null || true
start_agent b
wait_current "after gateway b restarted"
check_exact "after gateway b restarted"

log "kill -9 of a gateway and of the controller during changes"
# What the CLI saw succeed: devices added (1) and revoked (0).
declare -A acknowledged
for i in $(seq 1 12); do
  if picket device add organizer "d$i" --no-qr --conf "$WORK/d$i.conf" >/dev/null 2>&1; then
    acknowledged[d$i]=1
  fi
  if [ "$i" = 4 ]; then kill -9 "${AGENT_PID[a]}"; wait "${AGENT_PID[a]}" 2>/dev/null || true; fi
  if [ "$i" = 6 ]; then start_agent a; fi
  if [ "$i" = 8 ]; then
    kill -9 "$PICKETD_PID"
    wait "$PICKETD_PID" 2>/dev/null || true
    PICKETD_PID=""
    start_controller
  fi
  if [ $((i % 3)) = 0 ] && picket device revoke organizer "d$((i - 1))" >/dev/null 2>&1; then
    acknowledged[d$((i - 1))]=0
  fi
done
wait_current "after the kills"
check_exact "after the kills"
for label in "${!acknowledged[@]}"; do
  if [ "${acknowledged[$label]}" = 1 ]; then
    picket device show organizer "$label" >/dev/null 2>&1 || fail "acknowledged device $label was lost"
  else
    picket device show organizer "$label" >/dev/null 2>&1 && fail "acknowledged revoke of $label was lost"
  fi
done

log "a removed gateway (a seized host) is shut out"
picket gateway remove gw-b >/dev/null || fail "picket gateway remove gw-b failed"
answer=$(picket --json device revoke organizer laptop)
[ "$(jq -r '[.gateways[].name] | join(",")' <<<"$answer")" = gw-a ] ||
  fail_fleet "a change after gw-b was removed still names it: $answer"
sleep 2
[ "$(picket --json gateway list | jq -r '[.gateways[].name] | join(",")')" = gw-a ] ||
  fail_fleet "gw-b came back after it was removed"
grep_quiet "gateway gw-b removed" "$WORK/picketd.log" || fail "the controller's log does not say gw-b was removed"

log "nothing about members on a gateway's disk or in its log"
# The controller asked the gateways for figures: their endpoints went
# nowhere, not even to the controller's log or state.
for address in "${MEMBER_OUTER[@]}"; do
  if grep -r -F -q -- "$address" "$WORK/state" "$WORK/picketd.log"; then
    fail "the controller's state or log holds a member's address: $address"
  fi
done
stop_picketd
for g in "${NAMES[@]}"; do
  kill "${AGENT_PID[$g]}"
  wait "${AGENT_PID[$g]}" 2>/dev/null || true
  AGENT_PID[$g]=""
  files=$(find "$WORK/gw-$g" -type f -printf '%f\n' | sort | tr '\n' ' ')
  [ "$files" = "channel.key controller.json " ] || fail "gateway $g keeps more than its two files: $files"
done
# ...nor its own WireGuard key: the controller pushes it at each connect.
secrets=(organizer phone laptop tablet "${MEMBER_DATA[@]}" "${MEMBER_OUTER[a]}" "${MEMBER_OUTER[b]}"
  "${GATEWAY_SECRETS[@]}")
for conf in "$WORK"/*.conf; do
  secrets+=("$(sed -n 's/^PrivateKey = //p' "$conf")")
done
for g in "${NAMES[@]}"; do
  for secret in "${secrets[@]}"; do
    [ -n "$secret" ] || continue
    if grep -r -F -q -- "$secret" "$WORK/gw-$g" "$WORK/agent-$g.log"; then
      fail "gateway $g's disk or log holds member data: $secret"
    fi
  done
done
log "gateway fleet: every check passed"
