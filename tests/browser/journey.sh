#!/usr/bin/env bash
# The admin's whole journey in a real browser (Debian's Chromium driven by
# playwright-core): setup token -> first admin -> TOTP -> login -> add a
# member and device -> the QR code on the page, screenshotted and decoded by
# zbarimg, brings up a wireguard-go client that pings the gateway -> one
# click revokes it -> the pings stop; then the settings screens (DNS
# resolver, member isolation), a device's access editor, and last the panic
# wipe, each checked through the CLI or from the member's side. picketd and
# the browser run in the
# gateway namespace; screenshots land in BUILD_DIR/tests/browser/artifacts.
# Usage: journey.sh BUILD_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../integration/lib.sh"

WEB_DIR="$HERE/../../web-admin"
ARTIFACTS="$BIN_DIR/tests/browser/artifacts"
API_PORT=18080
command -v chromium >/dev/null || fail "chromium is not installed (scripts/deps.sh --test installs it)"
[ -d "$WEB_DIR/node_modules/playwright-core" ] || fail "web-admin/node_modules is missing: run scripts/build.sh first"
mkdir -p "$ARTIFACTS"

setup_network
start_picketd --api-port "$API_PORT"
TOKEN=$(sed -n 's/.*one-time setup token.*: \([^ ]*\)$/\1/p' "$WORK/picketd.log" | tail -n1)
[ -n "$TOKEN" ] || fail "picketd printed no setup token"

export MEM_NS MEM_IF GW_NS GW_IF WORK ARTIFACTS PICKET_CLI
export PICKET_URL="http://127.0.0.1:$API_PORT"
export PICKET_SETUP_TOKEN="$TOKEN"
export PICKET_HOOK="$HERE/member_hook.sh"
export PICKET_WEB_DIR="$WEB_DIR"
log "browser journey (chromium $(chromium --version 2>/dev/null | awk '{print $2}'))"
ip netns exec "$GW_NS" node "$HERE/journey.mjs" || fail "the browser journey failed (screenshots in $ARTIFACTS)"

log "privacy: the private key made in the browser never reached picketd's log"
PRIVATE_KEY=$(sed -n 's/^PrivateKey = //p' "$WORK/alice-phone.conf")
[ -n "$PRIVATE_KEY" ] || fail "no downloaded config"
# (journey.mjs checked the state directory too, before it wiped it.)
if grep -rqaF "$PRIVATE_KEY" "$WORK/picketd.log"; then fail "the private key is in picketd's log"; fi

log "the panic wipe clicked in the browser stopped picketd and left no state"
for _ in $(seq 100); do kill -0 "$PICKETD_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PICKETD_PID" 2>/dev/null && fail "picketd still runs 10 s after the wipe"
wait "$PICKETD_PID" 2>/dev/null || true
PICKETD_PID=""
left=$(find "$WORK/state" -type f 2>/dev/null | head -n5)
[ -z "$left" ] || fail "files left in the state directory after the wipe: $left"
ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "the WireGuard interface survived the wipe"
log "browser journey: all checks passed"
