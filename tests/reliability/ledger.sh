# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# What the admin was told: a ledger of acknowledged changes, kept by the
# test, checked against picketd after every crash. Sourced by the crash and
# concurrency tests after tests/integration/lib.sh.
#
# A change is acknowledged when the CLI returned success. The one command
# that was running when picketd died may or may not have taken effect; the
# next check accepts either outcome and adopts what picketd says.

RELIABILITY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -A LEDGER=()  # "member/label" -> public key of an acknowledged, present device
REVOKED=()            # names of acknowledged revokes, for the DNS check
KILLS=0
CHECKS=0

# A pool of public keys made ahead, so an operation costs one CLI call.
KEY_POOL=()
make_keys() {
  # 30 random bytes and two zero bytes: a 32-byte public key in base64, made
  # in bulk (no private key is needed: no client connects in these tests).
  mapfile -t -O "${#KEY_POOL[@]}" KEY_POOL < <(head -c $((30 * $1)) /dev/urandom | base64 -w0 | fold -w 40 |
    sed 's/$/AAA=/')
}
KEY_NEXT=0  # the next unused key in KEY_POOL

# The API on picketd's unix socket, as the CLI calls it (curl starts in a
# fraction of the CLI's time under the sanitizers, which matters at 200
# restarts): api METHOD PATH [JSON] prints the body; fails unless 2xx.
api() {
  local args=(-sf --max-time 60 -X "$1" --unix-socket "$WORK/picket.sock")
  if [ -n "${3:-}" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$3"); fi
  curl "${args[@]}" "http://localhost/api/v1$2"
}

# Current devices as "member/label public_key" lines, sorted.
actual_devices() {
  api GET /devices | jq -r '.devices[] | "\(.member)/\(.label) \(.public_key)"' | sort
}

ledger_lines() {
  local key
  for key in "${!LEDGER[@]}"; do echo "$key ${LEDGER[$key]}"; done | sort
}

# Compares picketd's devices with the ledger. $1..: the changes that were in
# flight ("add|reissue|revoke member/label [key]"): for these either the old
# or the new state is right. Then adopts picketd's answer for them.
check_ledger() {
  local actual line name key
  actual=$(actual_devices) || fail "cannot list devices after restart"
  declare -A have=()
  while read -r name key; do if [ -n "$name" ]; then have[$name]=$key; fi; done <<<"$actual"
  declare -A uncertain=()
  for line in "$@"; do
    read -r _ name key <<<"$line"
    uncertain[$name]=$line
  done
  for name in "${!LEDGER[@]}"; do
    [ -n "${uncertain[$name]:-}" ] && continue
    [ "${have[$name]:-}" = "${LEDGER[$name]}" ] ||
      fail "acknowledged change lost: $name should have key ${LEDGER[$name]}, picketd has '${have[$name]:-none}'"
  done
  for name in "${!have[@]}"; do
    [ -n "${LEDGER[$name]:-}" ] || [ -n "${uncertain[$name]:-}" ] ||
      fail "picketd has a device nobody added with success: $name"
  done
  for name in "${!uncertain[@]}"; do
    read -r op _ key <<<"${uncertain[$name]}"
    local before=${LEDGER[$name]:-none} after
    case "$op" in
      add | reissue) after=$key ;;
      revoke) after=none ;;
    esac
    local now=${have[$name]:-none}
    [ "$now" = "$before" ] || [ "$now" = "$after" ] ||
      fail "in-flight $op of $name left it at '$now', neither the old '$before' nor the new '$after'"
    if [ "$now" = none ]; then
      unset "LEDGER[$name]"
      if [ "$op" = revoke ]; then REVOKED+=("$name"); fi
    else
      LEDGER[$name]=$now
    fi
  done
}

# The invariant, the database's integrity and the ledger, all at once.
check_all() {
  local absent=() name
  # The names of the most recent revokes must not resolve (member/label ->
  # label.member.zone); older ones were checked before.
  for name in "${REVOKED[@]: -20}"; do absent+=(--absent "${name#*/}.${name%/*}.picket.internal"); done
  "$RELIABILITY_DIR/check_invariant.sh" --db "$WORK/state/picket.db" --interface "$GW_IF" \
    --netns "$GW_NS" "${absent[@]}" >"$WORK/invariant.out" 2>&1 ||
    { cat "$WORK/invariant.out" >&2; fail "the invariant does not hold"; }
  local integrity
  integrity=$(sqlite3 -readonly "$WORK/state/picket.db" "PRAGMA integrity_check") ||
    fail "cannot run integrity_check"
  [ "$integrity" = ok ] || fail "PRAGMA integrity_check: $integrity"
  check_ledger "$@"
  CHECKS=$((CHECKS + 1))
}

# start_picketd from lib.sh with another drift interval: DRIFT=N start_picketd_drift ARGS...
start_picketd_drift() {
  ip netns exec "$GW_NS" "$PICKETD" --state-dir "$WORK/state" --socket "$WORK/picket.sock" \
    --interface "$GW_IF" --endpoint "$GW_OUTER:51820" --drift-interval "${DRIFT:-1}" "$@" \
    >>"$WORK/picketd.log" 2>&1 &
  PICKETD_PID=$!
  for _ in $(seq 300); do
    if [ -S "$WORK/picket.sock" ] && api GET /settings >/dev/null 2>&1; then return 0; fi
    kill -0 "$PICKETD_PID" 2>/dev/null || fail "picketd exited at start"
    sleep 0.1
  done
  fail "picketd did not open its socket"
}

# The invariant checker on this test's gateway; extra arguments go to it.
invariant() {
  "$RELIABILITY_DIR/check_invariant.sh" --db "$WORK/state/picket.db" --interface "$GW_IF" \
    --netns "$GW_NS" "$@"
}
