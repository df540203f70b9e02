#!/usr/bin/env bash
# picketd run the way its unit runs it (an unprivileged user with
# CAP_NET_ADMIN and CAP_NET_BIND_SERVICE) on a host whose /dev/net/tun is
# root-only (0600, no udev rule, as on some container VPSes): it stops with
# an error that names the device, its mode, the cause and the fix, instead
# of wireguard-go's bare "permission denied", and leaves no interface.
# The 0600 device exists only in a private mount namespace of this test.
# Usage: tun_permission.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing"

ip netns add "$GW_NS"
ip -n "$GW_NS" link set lo up
USER_ID=$(id -u nobody)
GROUP_ID=$(id -g nobody)
# nobody must reach its state directory and socket; $WORK itself is 0700.
chmod 0711 "$WORK"
install -d -o "$USER_ID" -g "$GROUP_ID" -m 0700 "$WORK/state" "$WORK/run"

log "picketd as uid $USER_ID with CAP_NET_ADMIN, /dev/net/tun 0600"
status=0
unshare --mount --propagation private bash -c '
  set -e
  mount -t tmpfs -o mode=0755 tmpfs /dev/net
  mknod -m 0600 /dev/net/tun c 10 200
  exec ip netns exec "$1" setpriv --reuid "$2" --regid "$3" --clear-groups \
    --inh-caps -all,+net_admin,+net_bind_service --ambient-caps +net_admin,+net_bind_service \
    --no-new-privs "$4" --state-dir "$5/state" --socket "$5/run/picket.sock" --backend userspace \
    --interface "$6" --endpoint 192.0.2.1:51820 --api-port 0 --no-dns --no-forwarding
' _ "$GW_NS" "$USER_ID" "$GROUP_ID" "$PICKETD" "$WORK" "$GW_IF" >"$WORK/picketd.log" 2>&1 || status=$?

[ "$status" -ne 0 ] || fail "picketd started although wireguard-go cannot open the TUN device"
grep -q '/dev/net/tun' "$WORK/picketd.log" || fail "the error does not name /dev/net/tun"
grep -q 'its mode is 0600' "$WORK/picketd.log" || fail "the error does not give the device's mode"
grep -q "user id $USER_ID may not open" "$WORK/picketd.log" || fail "the error does not say who may not open it"
grep -q 'chmod 0666 /dev/net/tun' "$WORK/picketd.log" || fail "the error does not say how to fix it"
grep -q 'tmpfiles.d/picket.conf' "$WORK/picketd.log" || fail "the error does not point to the package's rule"
if ip -n "$GW_NS" link show "$GW_IF" >/dev/null 2>&1; then fail "picketd left $GW_IF behind"; fi
echo "   picketd said: $(grep -m1 'TUN device' "$WORK/picketd.log")"
log "PASS"
