#!/bin/sh
# Runs a command as root inside a fresh, private network namespace and
# removes every trace of it afterwards, even when the command fails or the
# script is interrupted.
#   usage: netns_run.sh <cmd> [args...]
set -u

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <cmd> [args...]" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$0: needs root (network namespaces, TUN devices)" >&2
  exit 2
fi

ns="picket-test-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
sockdir=/var/run/wireguard

cleanup() {
  trap - EXIT INT TERM HUP
  pids=$(ip netns pids "$ns" 2>/dev/null)
  if [ -n "$pids" ]; then
    # wireguard-go's control sockets live outside the namespace: note them
    # before the processes go, so that stale ones can be removed after.
    socks=""
    for pid in $pids; do
      comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
      case "$comm" in
        wireguard-go*)
          ifname=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | tail -n 1)
          [ -n "$ifname" ] && socks="$socks $sockdir/$ifname.sock"
          ;;
      esac
    done
    kill -TERM $pids 2>/dev/null
    i=0
    while [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && [ "$i" -lt 50 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    for sock in $socks; do rm -f "$sock"; done
  fi
  ip netns delete "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ip netns add "$ns" || exit 1
ip -n "$ns" link set lo up || exit 1
ip netns exec "$ns" "$@"
status=$?
exit "$status"
