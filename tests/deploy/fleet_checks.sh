# shellcheck shell=bash
# What site.yml left on the controller root ($CTL) and the gateway roots
# ($WORK/gw-a, ...; GATEWAYS), with picket_live_system=false: files, modes,
# unit enablement, firewalls. Sourced by playbook_chroot.sh after the two
# playbook runs (needs lib.sh and its CTL, GATEWAYS).

# fleet_mode ROOT PATH: "MODE USER:GROUP", names from ROOT's /etc/passwd.
fleet_mode() { chroot "$1" stat -c '%a %U:%G' "$2"; }
fleet_expect_mode() {
  [ "$(fleet_mode "$1" "$2")" = "$3" ] || fail "${1#"$WORK"/}: $2 is $(fleet_mode "$1" "$2"), expected $3"
}
fleet_unit_state() { chroot "$1" systemctl is-enabled "$2" 2>/dev/null || true; }

# Both kinds: the package, journal in memory, unattended upgrades, the
# firewall enabled and loadable, nothing in either state directory (nothing
# ran), and the unit systemd-analyze finds clean.
fleet_common() {
  local root=$1 name=${1#"$WORK"/} unit=$2
  chroot "$root" dpkg-query -W -f='${Status}\n' picket | grep_quiet '^install ok installed' ||
    fail "$name: picket is not installed"
  grep -qx 'Storage=volatile' "$root/etc/systemd/journald.conf.d/60-picket.conf" ||
    fail "$name: the journal is not volatile"
  grep -qx 'APT::Periodic::Unattended-Upgrade "1";' "$root/etc/apt/apt.conf.d/20auto-upgrades" ||
    fail "$name: unattended upgrades are off"
  [ "$(fleet_unit_state "$root" nftables.service)" = enabled ] || fail "$name: nftables.service is not enabled"
  grep -q 'policy drop' "$root/etc/nftables.conf" || fail "$name: the firewall does not drop by default"
  grep -Eq '^[[:space:]]*flush ruleset' "$root/etc/nftables.conf" && fail "$name: the firewall flushes the ruleset"
  nft --check --file "$root/etc/nftables.conf" || fail "$name: the firewall does not load"
  local left
  left=$(chroot "$root" find /var/lib/picket /var/lib/picket-gateway -mindepth 1)
  [ -z "$left" ] || fail "$name: a state directory is not empty: $left"
  local verify
  verify=$(systemd-analyze verify --root="$root" "$unit" 2>&1) || fail "$name: systemd-analyze verify $unit: $verify"
  [ -z "$verify" ] || fail "$name: systemd-analyze verify $unit is not clean: $verify"
}

check_fleet_files() {
  log "what the playbook left on the controller"
  local conf="$CTL/etc/picket/picketd.conf"
  fleet_common "$CTL" picketd.service
  grep -qx 'role = "controller"' "$conf" || fail "ctl: picketd.conf has no role = \"controller\""
  grep -qx 'channel-port = 51821' "$conf" || fail "ctl: picketd.conf has no channel-port = 51821"
  grep -qx 'channel-host = "10.231.0.1"' "$conf" || fail "ctl: picketd.conf lacks picket_channel_host"
  # Members' configs carry a gateway's address and the fleet's port.
  grep -qx 'endpoint = "vpn.test.example:51999"' "$conf" || fail "ctl: picketd.conf lacks the endpoint"
  fleet_expect_mode "$CTL" /etc/picket/picketd.conf "644 root:root"
  [ "$(fleet_unit_state "$CTL" picketd.service)" = enabled ] || fail "ctl: picketd.service is not enabled"
  [ "$(fleet_unit_state "$CTL" picket-gateway.service)" = disabled ] ||
    fail "ctl: picket-gateway.service is $(fleet_unit_state "$CTL" picket-gateway.service), not disabled"
  grep -q 'tcp dport 51821 accept' "$CTL/etc/nftables.conf" || fail "ctl: the firewall does not let gateways in"
  grep -q 'tcp dport 22 accept' "$CTL/etc/nftables.conf" || fail "ctl: the firewall does not let SSH in"
  if grep -Eq 'udp dport|iifname' "$CTL/etc/nftables.conf"; then
    fail "ctl: the firewall lets in WireGuard or a tunnel interface: a controller has neither"
  fi
  [ ! -e "$CTL/etc/sysctl.d/60-picket.conf" ] || fail "ctl: a controller forwards nothing, yet has forwarding sysctls"
  # Nothing but picketd.conf differs from the package.
  local changed
  changed=$(chroot "$CTL" dpkg --verify picket | grep -v ' /etc/picket/picketd.conf$' || true)
  [ -z "$changed" ] || fail "ctl: files of the package changed: $changed"

  local gw root
  for gw in "${GATEWAYS[@]}"; do
    log "what the playbook left on gateway $gw"
    root="$WORK/$gw"
    fleet_common "$root" picket-gateway.service
    [ "$(fleet_unit_state "$root" picket-gateway.service)" = enabled ] ||
      fail "$gw: picket-gateway.service is not enabled"
    case "$(fleet_unit_state "$root" picketd.service)" in
      masked) ;;
      *) fail "$gw: picketd.service is $(fleet_unit_state "$root" picketd.service), not masked" ;;
    esac
    fleet_expect_mode "$root" /etc/default/picket-gateway "644 root:root"
    grep -qx 'PICKET_GATEWAY_ARGS="--interface picket0 --lease 180"' "$root/etc/default/picket-gateway" ||
      fail "$gw: /etc/default/picket-gateway: $(grep PICKET_GATEWAY_ARGS "$root/etc/default/picket-gateway")"
    fleet_expect_mode "$root" /var/lib/picket-gateway "700 picket:picket"
    grep -q 'udp dport 51999 accept' "$root/etc/nftables.conf" || fail "$gw: the firewall does not let WireGuard in"
    grep -q 'iifname "picket0" accept' "$root/etc/nftables.conf" ||
      fail "$gw: the firewall leaves the tunnel to picket-gateway's table"
    grep -q 'tcp dport 51821' "$root/etc/nftables.conf" && fail "$gw: a gateway opens the controller's port"
    grep -qx 'net.ipv4.ip_forward = 1' "$root/etc/sysctl.d/60-picket.conf" || fail "$gw: no IPv4 forwarding sysctl"
    grep -qx 'net.ipv6.conf.all.forwarding = 1' "$root/etc/sysctl.d/60-picket.conf" ||
      fail "$gw: no IPv6 forwarding sysctl"
    # picketd.conf as the package ships it: a gateway host runs no picketd.
    changed=$(chroot "$root" dpkg --verify picket || true)
    [ -z "$changed" ] || fail "$gw: files of the package changed: $changed"
  done
  echo "   controller: role controller, TCP 51821 in, no UDP, no forwarding; gateways:" \
    "picket-gateway enabled, picketd masked, UDP 51999 in, forwarding on; state directories empty"
}
