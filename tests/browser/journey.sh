#!/usr/bin/env bash
# The admin's whole journey in a real browser (Debian's Chromium driven by
# playwright-core), once in English and once in Spanish, each against a
# fresh picketd: setup token (with a reload before scanning) -> first admin
# -> TOTP -> a refused add that leaves no member -> a device whose QR code on
# the page, screenshotted and decoded by zbarimg, brings up a wireguard-go
# client that pings the gateway -> the on/off switch stops and resumes its
# traffic (switching on asks for the admin's password, as every change that
# widens access does: add, reissue, access, settings, DNS, isolation,
# retention, a new admin) -> a second device -> the members view cuts the member off (both
# clients' pings stop) -> a session left idle on Devices ends with a message
# -> `picket admin reset-totp` recovers a locked-out admin -> the settings
# screens, revoke, member removal with the password, rotation, burn, and
# last the panic wipe, with axe-core at 390 and 1280 px on each screen.
# picketd and the browser run in the gateway namespace; screenshots land in
# BUILD_DIR/tests/browser/artifacts. Usage: journey.sh BUILD_DIR [LANG...]
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../integration/lib.sh"
# The member's second client (member_hook.sh connect CONF 2) has a control
# socket of its own; lib.sh's cleanup removes the rest. A hook, not a trap
# of our own: under set -e a trap that replays the status with `(exit $s)`
# ended there, before cleanup, and a failed journey left picketd,
# wireguard-go and both namespaces behind.
remove_second_client_socket() { rm -f "/var/run/wireguard/${MEM_IF}b.sock"; }
CLEANUP_HOOKS+=(remove_second_client_socket)

WEB_DIR="$HERE/../../web-admin"
ARTIFACTS="$BIN_DIR/tests/browser/artifacts"
API_PORT=18080
# Short enough to wait out in the test, long enough that no step of the
# journey sits that long without the admin acting. Tests only.
IDLE_SECONDS=40
command -v chromium >/dev/null || fail "chromium is not installed (scripts/deps.sh --test installs it)"
[ -d "$WEB_DIR/node_modules/playwright-core" ] || fail "web-admin/node_modules is missing: run scripts/build.sh first"
mkdir -p "$ARTIFACTS"
shift
if [ $# -gt 0 ]; then LANGS=("$@"); else LANGS=(en es); fi

setup_network
export MEM_NS MEM_IF GW_NS GW_IF WORK ARTIFACTS PICKET_CLI
export PICKET_URL="http://127.0.0.1:$API_PORT"
export PICKET_HOOK="$HERE/member_hook.sh"
export PICKET_WEB_DIR="$WEB_DIR"
export PICKET_IDLE_SECONDS=$IDLE_SECONDS

for lang in "${LANGS[@]}"; do
  rm -f "$WORK/picketd.log"
  start_picketd_in "$WORK/state-$lang" --api-port "$API_PORT" --session-idle-timeout "$IDLE_SECONDS"
  TOKEN=$(sed -n 's/.*one-time setup token.*: \([^ ]*\)$/\1/p' "$WORK/picketd.log" | tail -n1)
  [ -n "$TOKEN" ] || fail "picketd printed no setup token"
  export PICKET_SETUP_TOKEN="$TOKEN" PICKET_LANG="$lang" PICKET_STATE="$WORK/state-$lang"
  log "browser journey in $lang (chromium $(chromium --version 2>/dev/null | awk '{print $2}'))"
  ip netns exec "$GW_NS" node "$HERE/journey.mjs" || fail "the browser journey in $lang failed (screenshots in $ARTIFACTS)"

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
  left=$(find "$WORK/state-$lang" -type f 2>/dev/null | head -n5)
  [ -z "$left" ] || fail "files left in the state directory after the wipe: $left"
  ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1 && fail "the WireGuard interface survived the wipe"
  rm -f "$WORK/picket.sock"
done
log "browser journey: all checks passed (${LANGS[*]})"
