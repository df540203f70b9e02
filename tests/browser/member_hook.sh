#!/usr/bin/env bash
# Called by journey.mjs for what happens outside the browser, in the member's
# namespace (names come from journey.sh's environment):
#   member_hook.sh decode PNG        prints what zbarimg reads from the image
#   member_hook.sh connect CONF      brings up the member's wireguard-go client
#   member_hook.sh reaches           exit 0 when the member pings the gateway
#   member_hook.sh cut-off           exit 0 when three seconds of pings all fail
#   member_hook.sh dig NAME          what the gateway's resolver answers the member (A records)
#   member_hook.sh picket ARGS...    the admin CLI over picketd's unix socket
#   member_hook.sh secret-kept KEY   exit 0 when KEY is nowhere in picketd's state or log
set -euo pipefail
case "$1" in
  decode)
    # zbarimg adds one newline of its own after the data.
    zbarimg --raw -q "$2" 2>/dev/null | sed '${/^$/d}'
    ;;
  connect)
    if ! ip -n "$MEM_NS" link show "$MEM_IF" >/dev/null 2>&1; then
      ip netns exec "$MEM_NS" wireguard-go "$MEM_IF" >/dev/null 2>&1
    fi
    wg-quick strip "$2" >"$WORK/stripped.conf"
    ip netns exec "$MEM_NS" wg setconf "$MEM_IF" "$WORK/stripped.conf"
    ip -n "$MEM_NS" addr flush dev "$MEM_IF"
    for address in $(sed -n 's/^Address = //p' "$2" | tr ',' ' '); do
      ip -n "$MEM_NS" addr add "$address" dev "$MEM_IF"
    done
    ip -n "$MEM_NS" link set "$MEM_IF" up
    ip -n "$MEM_NS" route replace 10.77.0.0/24 dev "$MEM_IF"
    ;;
  reaches)
    for _ in $(seq 10); do
      ip netns exec "$MEM_NS" ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && exit 0
    done
    exit 1
    ;;
  cut-off)
    ! ip netns exec "$MEM_NS" ping -c3 -i0.5 -W1 10.77.0.1 >/dev/null 2>&1
    ;;
  dig)
    ip netns exec "$MEM_NS" dig +short +time=2 +tries=2 @10.77.0.1 "$2" A
    ;;
  picket)
    shift
    "$PICKET_CLI" --socket "$WORK/picket.sock" "$@"
    ;;
  secret-kept)
    ! grep -rqaF "$2" "$WORK/state" "$WORK/picketd.log"
    ;;
  *)
    echo "member_hook.sh: unknown step $1" >&2
    exit 2
    ;;
esac
