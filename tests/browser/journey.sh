#!/usr/bin/env bash
# The admin's whole journey in a real browser (Debian's Chromium driven by
# playwright-core): setup token -> first admin -> TOTP -> login -> add a
# member and device -> the QR code on the page, screenshotted and decoded by
# zbarimg, brings up a wireguard-go client that pings the gateway -> one
# click revokes it -> the pings stop. picketd and the browser run in the
# gateway namespace; screenshots land in BUILD_DIR/tests/browser/artifacts.
# Usage: journey.sh BUILD_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../integration/lib.sh"

WEB_DIR="$HERE/../../web-admin"
ARTIFACTS="$BIN_DIR/tests/browser/artifacts"
API_PORT=18080
command -v chromium >/dev/null || fail "chromium is not installed (scripts/deps.sh installs it)"
[ -d "$WEB_DIR/node_modules/playwright-core" ] || fail "web-admin/node_modules is missing: run scripts/build.sh first"
mkdir -p "$ARTIFACTS"

setup_network
start_picketd --api-port "$API_PORT"
TOKEN=$(sed -n 's/.*one-time setup token.*: \([^ ]*\)$/\1/p' "$WORK/picketd.log" | tail -n1)
[ -n "$TOKEN" ] || fail "picketd printed no setup token"

export MEM_NS MEM_IF GW_NS GW_IF WORK ARTIFACTS
export PICKET_URL="http://127.0.0.1:$API_PORT"
export PICKET_SETUP_TOKEN="$TOKEN"
export PICKET_HOOK="$HERE/member_hook.sh"
export PICKET_WEB_DIR="$WEB_DIR"
log "browser journey (chromium $(chromium --version 2>/dev/null | awk '{print $2}'))"
ip netns exec "$GW_NS" node "$HERE/journey.mjs" || fail "the browser journey failed (screenshots in $ARTIFACTS)"

log "privacy: the private key made in the browser never reached picketd"
PRIVATE_KEY=$(sed -n 's/^PrivateKey = //p' "$WORK/alice-phone.conf")
[ -n "$PRIVATE_KEY" ] || fail "no downloaded config"
if grep -rqaF "$PRIVATE_KEY" "$WORK/state" "$WORK/picketd.log"; then fail "the private key is in picketd's state or log"; fi
log "browser journey: all checks passed"
