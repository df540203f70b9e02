# shellcheck shell=bash
# The controller and the gateways live, without systemd: the controller
# root's picketd (role controller, from the config the play wrote) and each
# gateway root's picket-gateway (with the flags of /etc/default/picket-gateway)
# run as user picket with the units' two capabilities, each in a network
# namespace of its own. The gateways' namespaces reach the controller's over
# veth pairs, at the address picket_channel_host gave (10.231.0.1), as a
# gateway VPS reaches its controller. The role's enrolment tasks
# (enrol.yml) enrol both through the chroot connection; then both must be
# listed connected and current, hold the member's device as a peer, keep
# nothing about members on disk, and a second enrolment run must change
# nothing. Sourced by playbook_chroot.sh (needs lib.sh, as_picket.sh, CTL,
# GATEWAYS, the inventory).

FLEET_MEMBER=zq-fleet-member

# fleet_gateways_up: every gateway connected and current, per the controller.
fleet_gateways_up() {
  chroot "$CTL" picket --json gateway list 2>/dev/null | python3 -c '
import json, sys
want = set(sys.argv[1:])
up = {g["name"] for g in json.load(sys.stdin)["gateways"] if g["connected"] and g["current"]}
sys.exit(0 if want <= up else 1)' "${GATEWAYS[@]}"
}

# -vvv: every result the play does not hide, and each module file Ansible
# copies to a host ("<HOST> PUT .../AnsiballZ_MODULE.py").
fleet_enrol() {
  ANSIBLE_ROLES_PATH="$SOURCE_DIR/ansible/roles" ansible-playbook -vvv -i "$WORK/inventory.ini" \
    "$DEPLOY_DIR/enrol.yml" >"$WORK/$1" 2>&1 || { tail -n 30 "$WORK/$1" >&2; fail "the enrolment tasks failed"; }
}

check_fleet_live() {
  log "controller and gateways live in network namespaces, enrolled by the role's tasks"
  local ctl_ns="pkt-ctl-$$" i=0 gw ns root
  ip netns add "$ctl_ns"
  NETNSES+=("$ctl_ns")
  ip -n "$ctl_ns" link set lo up
  ip -n "$ctl_ns" addr add 10.231.0.1/32 dev lo
  for gw in "${GATEWAYS[@]}"; do
    i=$((i + 1))
    ns="pkt-$gw-$$"
    ip netns add "$ns"
    NETNSES+=("$ns")
    ip -n "$ns" link set lo up
    ip link add "pkv$i-$$" netns "$ctl_ns" type veth peer name uplink netns "$ns"
    ip -n "$ctl_ns" addr add "10.231.$i.1/24" dev "pkv$i-$$"
    ip -n "$ctl_ns" link set "pkv$i-$$" up
    ip -n "$ns" addr add "10.231.$i.2/24" dev uplink
    ip -n "$ns" link set uplink up
    ip -n "$ns" route add default via "10.231.$i.1"
  done

  chroot "$CTL" install -d -o picket -g picket -m 0700 /run/picket /run/wireguard
  start_as_picket "$CTL" "$ctl_ns" "$WORK/ctl-picketd.log" /usr/sbin/picketd --config /etc/picket/picketd.conf
  local ctl_pid=$STARTED_PID up=""
  for _ in $(seq 150); do
    if chroot "$CTL" picket --json gateway list >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$ctl_pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$up" ] || { cat "$WORK/ctl-picketd.log" >&2; fail "picketd --role controller did not start"; }
  ip netns exec "$ctl_ns" ss -Hltn "sport = :51821" | grep_quiet '0.0.0.0:51821' ||
    fail "the controller does not listen on TCP 51821"
  # No gateway yet: a device would reach nothing, so none is added.
  chroot "$CTL" picket member add "$FLEET_MEMBER" >/dev/null
  chroot "$CTL" picket device add "$FLEET_MEMBER" phone >/dev/null 2>&1 &&
    fail "the controller added a device while no gateway could take it"

  fleet_enrol enrol1.log
  local secret name
  for gw in "${GATEWAYS[@]}"; do
    root="$WORK/$gw"
    [ -f "$root/var/lib/picket-gateway/controller.json" ] || fail "$gw: the enrolment tasks did not enrol it"
    secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["enrolment_secret"])' \
      "$root/var/lib/picket-gateway/controller.json")
    # -v prints every task's result, except where no_log hides it.
    grep_quiet -F "$secret" "$WORK/enrol1.log" && fail "the enrolment secret of $gw is in the play's -vvv output"
    # The enrol task's module (its stdin is the token) was piped, not
    # copied; the stat before it shows that copies are logged.
    grep_quiet "^<$root> PUT .*/AnsiballZ_stat.py$" "$WORK/enrol1.log" ||
      fail "$gw: no module file copied to it in the log: cannot tell whether the token was"
    grep "^<$root> PUT .*/AnsiballZ_command.py$" "$WORK/enrol1.log" &&
      fail "$gw: the enrol task's module, token and all, was copied to the gateway's disk"
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' \
      "$root/var/lib/picket-gateway/controller.json")
    [ "$name" = "$gw" ] || fail "$gw: enrolled as '$name', not under its inventory name"
  done
  echo "   enrolment tasks: $(recap "$WORK/enrol1.log" | sed 's/  */ /g' | tr '\n' ';')"

  local pids=() args=()
  for gw in "${GATEWAYS[@]}"; do
    root="$WORK/$gw"
    chroot "$root" install -d -o picket -g picket -m 0700 /run/wireguard
    # What systemd makes of the unit's ExecStart=... $PICKET_GATEWAY_ARGS: split at spaces.
    read -ra args <<<"$(
      # shellcheck source=/dev/null
      . "$root/etc/default/picket-gateway"
      echo "$PICKET_GATEWAY_ARGS"
    )"
    start_as_picket "$root" "pkt-$gw-$$" "$WORK/$gw-gateway.log" /usr/sbin/picket-gateway run "${args[@]}"
    pids+=("$STARTED_PID")
  done
  up=""
  for _ in $(seq 120); do
    if fleet_gateways_up; then up=1; break; fi
    sleep 0.5
  done
  if [ -z "$up" ]; then
    chroot "$CTL" picket gateway list >&2
    tail -n 20 "$WORK/ctl-picketd.log" "$WORK"/gw-*-gateway.log >&2
    fail "the controller does not list every gateway connected and current"
  fi
  # A member's device: it must reach the gateways' memory only.
  chroot "$CTL" picket device add "$FLEET_MEMBER" phone --no-qr --conf /root/phone.conf >/dev/null ||
    fail "the controller could not add a device"
  local device_key
  device_key=$(chroot "$CTL" picket --json device list | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["public_key"])')
  for gw in "${GATEWAYS[@]}"; do
    [ -f "$CTL/root/phone-$gw.conf" ] || fail "the controller wrote no config for $gw"
  done
  up=""
  for _ in $(seq 60); do
    if fleet_gateways_up; then up=1; break; fi
    sleep 0.5
  done
  [ -n "$up" ] || fail "the gateways did not take the new device"
  chroot "$CTL" picket gateway list | sed 's/  pin .*//; s/^/   controller: /'

  local listing left keys=()
  for gw in "${GATEWAYS[@]}"; do
    root="$WORK/$gw"
    ns="pkt-$gw-$$"
    listing=$(ip netns exec "$ns" chroot "$root" wg show picket0 peers) ||
      fail "$gw: no WireGuard interface picket0"
    [ "$listing" = "$device_key" ] || fail "$gw: picket0's peers are '$listing', not the member's device"
    [ "$(ip netns exec "$ns" chroot "$root" wg show picket0 listen-port)" = 51999 ] ||
      fail "$gw: picket0 does not listen on the controller's port 51999"
    # Its own WireGuard key (the controller's listing), and the endpoint
    # the role passed: its picket_endpoint_host and the listen port.
    local own want
    own=$(ip netns exec "$ns" chroot "$root" wg show picket0 public-key)
    want=$(chroot "$CTL" picket --json gateway list | python3 -c '
import json, sys
g = [g for g in json.load(sys.stdin)["gateways"] if g["name"] == sys.argv[1]][0]
print(g["public_key"], g["endpoint"])' "$gw")
    [ "${want% *}" = "$own" ] || fail "$gw: picket0's key $own is not the one the controller lists (${want% *})"
    case "${want#* }" in 10.231.?.2:51999) ;; *) fail "$gw: members would dial '${want#* }'" ;; esac
    keys+=("$own")
    grep -rqF "$(ip netns exec "$ns" chroot "$root" wg show picket0 private-key)" \
      "$root"/{etc,var,root,tmp,run,home,srv,opt} 2>/dev/null &&
      fail "$gw: its WireGuard private key is on its disk"
    # Admitted: the one-time secret is gone; two files, root-written, the service's.
    grep_quiet enrolment_secret "$root/var/lib/picket-gateway/controller.json" &&
      fail "$gw: controller.json still holds the enrolment secret"
    left=$(chroot "$root" find /var/lib/picket-gateway -mindepth 1 -printf '%f %m %u\n' | sort | tr '\n' ';')
    [ "$left" = "channel.key 600 picket;controller.json 600 picket;" ] ||
      fail "$gw: /var/lib/picket-gateway holds $left"
    # Nothing about the member on the gateway's disk or in its log.
    left=$(grep -rlF -e "$device_key" -e "$FLEET_MEMBER" "$root"/{etc,var,root,tmp,run,home,srv,opt} \
      "$WORK/$gw-gateway.log" 2>/dev/null || true)
    [ -z "$left" ] || fail "$gw: the member's key or label is in $left"
    [ -z "$(chroot "$root" find /var/lib/picket -mindepth 1)" ] || fail "$gw: /var/lib/picket is not empty"
  done

  [ "$(printf '%s\n' "${keys[@]}" | sort -u | wc -l)" = "${#GATEWAYS[@]}" ] ||
    fail "two gateways share a WireGuard key"

  fleet_enrol enrol2.log
  every_host "$WORK/enrol2.log" "${#GATEWAYS[@]}" ' changed=0 ' ||
    { recap "$WORK/enrol2.log" >&2; fail "the second enrolment run changed something"; }
  echo "   enrolment tasks again: $(recap "$WORK/enrol2.log" | sed 's/  */ /g' | tr '\n' ';')"

  # systemctl stop: SIGTERM, and a clean exit; the gateway takes its interface down.
  local pid status
  i=0
  for pid in "${pids[@]}"; do
    gw=${GATEWAYS[i]}
    i=$((i + 1))
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    [ "$status" -eq 0 ] || { tail -n 20 "$WORK/$gw-gateway.log" >&2; fail "$gw: picket-gateway exited $status on SIGTERM"; }
    ip -n "pkt-$gw-$$" link show picket0 >/dev/null 2>&1 && fail "$gw: picket0 is still there after the stop"
  done
  kill -TERM "$ctl_pid"
  status=0
  wait "$ctl_pid" || status=$?
  [ "$status" -eq 0 ] || { tail -n 20 "$WORK/ctl-picketd.log" >&2; fail "the controller's picketd exited $status on SIGTERM"; }
  echo "   ${#GATEWAYS[@]} gateways enrolled by the role's tasks, connected, serving the device; nothing about" \
    "the member on their disks; all stopped cleanly"
}
