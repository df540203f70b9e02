#!/usr/bin/env bash
# Called by journey.mjs for what happens outside the browser, in the member's
# namespace (names come from journey.sh's environment):
#   member_hook.sh decode PNG        prints what zbarimg reads from the image
#   member_hook.sh connect CONF [N]  brings up the member's wireguard-go client N (1, 2)
#   member_hook.sh reaches [N] [TRIES]  exit 0 when client N pings the gateway (TRIES
#                                    one-second pings, 10 by default; a peer put back on
#                                    the gateway answers once the client re-handshakes,
#                                    which WireGuard does after about 15 s without replies)
#   member_hook.sh cut-off [N]       exit 0 when three seconds of pings from client N all fail
# Client 2 is a second device of the same person, a second wireguard-go
# interface in the member's namespace; its pings are bound to it (ping -I),
# over a route of its own with a higher metric.
#   member_hook.sh dig NAME          what the gateway's resolver answers the member (A records)
#   member_hook.sh picket ARGS...    the admin CLI over picketd's unix socket
#   member_hook.sh secret-kept KEY   exit 0 when KEY is nowhere in picketd's state or log
set -euo pipefail
client_if() { if [ "${1:-1}" = 2 ]; then echo "${MEM_IF}b"; else echo "$MEM_IF"; fi; }
case "$1" in
  decode)
    # zbarimg adds one newline of its own after the data.
    # QR codes only (lib.sh's qr_decode says why).
    zbarimg --raw -q -Sdisable -Sqrcode.enable "$2" 2>/dev/null | sed '${/^$/d}'
    ;;
  connect)
    ifname=$(client_if "${3:-1}")
    if ! ip -n "$MEM_NS" link show "$ifname" >/dev/null 2>&1; then
      ip netns exec "$MEM_NS" wireguard-go "$ifname" >/dev/null 2>&1
    fi
    wg-quick strip "$2" >"$WORK/stripped.conf"
    ip netns exec "$MEM_NS" wg setconf "$ifname" "$WORK/stripped.conf"
    ip -n "$MEM_NS" addr flush dev "$ifname"
    for address in $(sed -n 's/^Address = //p' "$2" | tr ',' ' '); do
      ip -n "$MEM_NS" addr add "$address" dev "$ifname"
    done
    ip -n "$MEM_NS" link set "$ifname" up
    if [ "${3:-1}" = 2 ]; then
      ip -n "$MEM_NS" route replace 10.77.0.0/24 dev "$ifname" metric 10
    else
      ip -n "$MEM_NS" route replace 10.77.0.0/24 dev "$ifname"
    fi
    ;;
  reaches)
    ifname=$(client_if "${2:-1}")
    for _ in $(seq "${3:-10}"); do
      ip netns exec "$MEM_NS" ping -I "$ifname" -c1 -W1 10.77.0.1 >/dev/null 2>&1 && exit 0
    done
    exit 1
    ;;
  cut-off)
    ifname=$(client_if "${2:-1}")
    ! ip netns exec "$MEM_NS" ping -I "$ifname" -c3 -i0.5 -W1 10.77.0.1 >/dev/null 2>&1
    ;;
  dig)
    ip netns exec "$MEM_NS" dig +short +time=2 +tries=2 @10.77.0.1 "$2" A
    ;;
  picket)
    shift
    "$PICKET_CLI" --socket "$WORK/picket.sock" "$@"
    ;;
  secret-kept)
    ! grep -rqaF "$2" "${PICKET_STATE:-$WORK/state}" "$WORK/picketd.log"
    ;;
  *)
    echo "member_hook.sh: unknown step $1" >&2
    exit 2
    ;;
esac
