# shellcheck shell=bash
# picketd from the installed package, run the way its unit runs it: as user
# picket, with CAP_NET_ADMIN and CAP_NET_BIND_SERVICE as ambient capabilities
# and nothing else, no new privileges, in the runtime directories systemd
# would make. Without systemd as PID 1 the unit's sandbox itself cannot run
# here; this checks the part that breaks most often, the privileges. It runs
# in a network namespace inside the installed root. Sourced by
# playbook_chroot.sh (needs lib.sh's ROOT, WORK, NETNS, in_root, fail).

CAPS=net_admin,net_bind_service
# Bit numbers from linux/capability.h.
CAP_MASK=$(printf '%016x' $(((1 << 12) | (1 << 10))))

proc_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

# start_as_picket ROOT NETNS LOG COMMAND...: COMMAND, chrooted into ROOT, in
# network namespace NETNS, as user picket with the units' capabilities, in
# the background (its pid in STARTED_PID; ip, chroot and setpriv exec it, so
# that is COMMAND's pid), stdout and stderr to LOG.
STARTED_PID=""
start_as_picket() {
  local root=$1 ns=$2 out=$3
  shift 3
  ip netns exec "$ns" chroot "$root" setpriv --reuid picket --regid picket --init-groups \
    --inh-caps "-all,+${CAPS//,/,+}" --ambient-caps "+${CAPS//,/,+}" \
    --bounding-set "-all,+${CAPS//,/,+}" --no-new-privs \
    "$@" >"$out" 2>&1 &
  STARTED_PID=$!
}

check_picketd_as_picket() {
  log "picketd as user picket with the unit's capabilities"
  NETNS="pkt-deploy-$$"
  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  # RuntimeDirectory=picket wireguard, RuntimeDirectoryMode=0700.
  in_root install -d -o picket -g picket -m 0700 /run/picket /run/wireguard
  start_as_picket "$ROOT" "$NETNS" "$WORK/picketd.log" /usr/sbin/picketd --config /etc/picket/picketd.conf
  local pid=$STARTED_PID
  local up=""
  for _ in $(seq 150); do
    if [ -S "$ROOT/run/picket/picket.sock" ] && in_root picket init >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$up" ] || { cat "$WORK/picketd.log" >&2; fail "picketd as user picket did not start"; }

  local uid
  uid=$(in_root id -u picket)
  [ "$(proc_field "$pid" Uid | awk '{print $2}')" = "$uid" ] || fail "picketd does not run as picket"
  [ "$(proc_field "$pid" CapEff)" = "$CAP_MASK" ] || fail "picketd has capabilities $(proc_field "$pid" CapEff)"
  local wg_pid=""
  for p in $(ip netns pids "$NETNS"); do
    [ "$(cat "/proc/$p/comm")" = wireguard-go ] && wg_pid=$p
  done
  [ -n "$wg_pid" ] || fail "no wireguard-go in the namespace"
  [ "$(proc_field "$wg_pid" Uid | awk '{print $2}')" = "$uid" ] || fail "wireguard-go does not run as picket"
  [ "$(proc_field "$wg_pid" CapEff)" = "$CAP_MASK" ] ||
    fail "wireguard-go has capabilities $(proc_field "$wg_pid" CapEff), expected $CAP_MASK (ambient)"

  in_root picket init | grep_quiet 'endpoint:    vpn.test.example:51999' || fail "the config's endpoint was not seeded"
  in_root picket member add admin >/dev/null
  in_root picket device add admin phone >"$WORK/device.txt" || fail "root could not add a device"
  grep -q 'scan this into the WireGuard app' "$WORK/device.txt" || fail "no QR code: $(cat "$WORK/device.txt")"
  [ "$(ip netns exec "$NETNS" chroot "$ROOT" wg show picket0 peers | wc -l)" = 1 ] ||
    fail "the device is not a peer on picket0"
  [ "$(ip netns exec "$NETNS" chroot "$ROOT" wg show picket0 listen-port)" = 51999 ] ||
    fail "picket0 does not listen on the configured port"

  # The admin HTTP API on the configured port (api-port in the config),
  # on loopback and the tunnel address, nowhere else.
  local listening
  listening=$(ip netns exec "$NETNS" ss -Hltn "sport = :8181" | awk '{print $4}' | sort | tr '\n' ' ')
  [ "$listening" = "10.77.0.1:8181 127.0.0.1:8181 " ] ||
    fail "the admin API listens on '$listening', expected 127.0.0.1:8181 and 10.77.0.1:8181"
  # /metrics: served on 127.0.0.1 without a session.
  ip netns exec "$NETNS" curl -fsS --max-time 10 -o /dev/null http://127.0.0.1:8181/metrics ||
    fail "the admin API does not answer on 127.0.0.1:8181 ($(tail -n 3 "$WORK/picketd.log"))"
  kill -0 "$pid" 2>/dev/null || fail "picketd died answering an HTTP request"

  # The socket is the admin interface: root only (root passes file modes).
  [ "$(in_root stat -c '%a %U' /run/picket/picket.sock)" = "600 picket" ] ||
    fail "the CLI socket is $(in_root stat -c '%a %U' /run/picket/picket.sock)"
  if in_root setpriv --reuid nobody --regid nogroup --clear-groups picket init >/dev/null 2>&1; then
    fail "user nobody can use the CLI socket"
  fi
  for f in picket.db gateway.key; do
    [ "$(in_root stat -c '%a %U' "/var/lib/picket/$f")" = "600 picket" ] ||
      fail "/var/lib/picket/$f is $(in_root stat -c '%a %U' "/var/lib/picket/$f")"
  done

  # systemctl stop: SIGTERM, and a clean exit.
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { tail -n 20 "$WORK/picketd.log" >&2; fail "picketd exited $status on SIGTERM"; }
  echo "   picketd ran as uid $uid with CapEff $CAP_MASK (wireguard-go too) and stopped cleanly"
}
