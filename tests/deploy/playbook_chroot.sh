#!/usr/bin/env bash
# The Ansible playbook applied for real to fresh Debian 12 roots (debootstrap,
# reached through Ansible's chroot connection), twice, from one inventory: a
# single box (group picket), a controller (picket_controller) and two gateway
# hosts (picket_gateways). The package and its dependencies installed by apt
# from the Debian archive, the units enabled or not and checked with
# systemd-analyze, sysctls, journal, upgrades and firewall files written,
# file modes right, and nothing changed by the second run. Then the single
# box's installed picketd runs as user picket with only the unit's
# capabilities in a network namespace, and root adds a device through its
# socket; and the controller's picketd and both gateways' picket-gateway run
# likewise in namespaces of their own, the gateways enrolled by the role's
# enrolment tasks, until the controller lists both connected (fleet_live.sh).
# Usage: playbook_chroot.sh BUILD_DIR   (root; PICKET_DEPLOY_DEB=file to test a given package)
# Exit 77 (CTest: skipped, not passed) when the Debian archive cannot be
# reached or the base root cannot be built, with the reason on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "run as root (chroot, mounts, network namespaces)"
BUILD_DIR=$(cd "${1:?usage: playbook_chroot.sh BUILD_DIR}" && pwd)
START=$SECONDS
for tool in ansible-playbook cpack dpkg-deb systemd-analyze nft curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps.sh --test installs it)"
done
# apt in the root fetches fresh lists and packages on every run, cached base root or not.
curl -fsS --max-time 20 -o /dev/null "$MIRROR/dists/bookworm/InRelease" ||
  skip "the Debian archive ($MIRROR) cannot be reached: no network?"

log "package"
make_package "$BUILD_DIR"
"$DEPLOY_DIR/check_package.sh" "$DEB"

log "fresh Debian 12 roots: a single box, a controller, two gateways"
make_root
CTL="$WORK/ctl"
GATEWAYS=(gw-a gw-b)
make_root "$CTL"
for gw in "${GATEWAYS[@]}"; do make_root "$WORK/$gw"; done

# What a plain `apt-get install ./picket_*.deb` (Recommends on) would bring:
# no kernel image, no DKMS. Only simulated; the playbook installs for real.
in_root apt-get update -q >"$WORK/apt-update.log" 2>&1 || { cat "$WORK/apt-update.log" >&2; fail "apt-get update in the root"; }
cp "$DEB" "$ROOT/tmp/"
in_root apt-get install -s "/tmp/$(basename "$DEB")" >"$WORK/apt-plain.log" 2>&1 ||
  { cat "$WORK/apt-plain.log" >&2; fail "apt-get install ./$(basename "$DEB") cannot be resolved"; }
rm "$ROOT/tmp/$(basename "$DEB")"
if grep -E '^Inst (linux-image|linux-headers|wireguard-dkms|dkms)' "$WORK/apt-plain.log"; then
  fail "a plain apt-get install of the package would bring the kernel packages above"
fi
echo "   a plain apt-get install would add $(grep -c '^Inst ' "$WORK/apt-plain.log") packages, no kernel"

# The controller and gateways go by short names (the gateways' default
# picket_gateway_name); ansible_host is the chroot directory.
# picket_channel_host: the controller's address in fleet_live.sh's namespaces;
# each gateway's picket_endpoint_host, its address there. The listen port
# is the whole fleet's ([all:vars], as README advises): the gateways'
# firewalls and the endpoints their enrolment passes both name it.
cat >"$WORK/inventory.ini" <<EOF
[picket]
$ROOT

[picket_controller]
ctl ansible_host=$CTL picket_channel_host=10.231.0.1

[picket_gateways]
gw-a ansible_host=$WORK/gw-a picket_endpoint_host=10.231.1.2
gw-b ansible_host=$WORK/gw-b picket_endpoint_host=10.231.2.2

[all:vars]
picket_listen_port=51999
ansible_connection=community.general.chroot
ansible_python_interpreter=/usr/bin/python3
EOF
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
play() {
  ansible-playbook -i "$WORK/inventory.ini" "$SOURCE_DIR/ansible/site.yml" \
    -e picket_deb="$DEB" -e picket_live_system=false \
    -e picket_endpoint_host=vpn.test.example -e picket_api_port=8181
}
# One line per host: "NAME : ok=.. changed=.. ...".
recap() { sed -n '/^PLAY RECAP/,/^$/p' "$1" | grep ' : ok='; }
# Every one of the $2 hosts in the recap of $1 matches the regex $3.
every_host() {
  [ "$(recap "$1" | grep -c ' : ok=')" -eq "$2" ] || return 1
  ! recap "$1" | grep -Ev -- "$3" | grep_quiet .
}
show_recap() { recap "$1" | sed "s|^$WORK/||; s/  */ /g; s/^/   /"; }

log "playbook, first run"
run_start=$SECONDS
play >"$WORK/run1.log" 2>&1 || { tail -n 40 "$WORK/run1.log" >&2; fail "the first run failed"; }
show_recap "$WORK/run1.log"
echo "   ($((SECONDS - run_start)) s)"
log "playbook, second run"
run_start=$SECONDS
play >"$WORK/run2.log" 2>&1 || { tail -n 40 "$WORK/run2.log" >&2; fail "the second run failed"; }
show_recap "$WORK/run2.log"
echo "   ($((SECONDS - run_start)) s)"
every_host "$WORK/run2.log" 4 ' changed=0 ' ||
  { grep -B2 '^changed:' "$WORK/run2.log" >&2; fail "the second run changed something"; }
every_host "$WORK/run1.log" 4 ' changed=[1-9]' || fail "the first run changed nothing on some host: did it run at all?"

log "what the playbook left"
# Inside the root: names must come from its /etc/passwd, not the host's.
mode() { in_root stat -c '%a %U:%G' "$1"; }
expect_mode() { [ "$(mode "$1")" = "$2" ] || fail "$1 is $(mode "$1"), expected $2"; }
in_root dpkg-query -W -f='${Status} ${Version}\n' picket | grep_quiet '^install ok installed' ||
  fail "picket is not installed"
for p in wireguard-go wireguard-tools iproute2 nftables unattended-upgrades; do
  in_root dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep_quiet 'ok installed' || fail "$p is not installed"
done
if in_root dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-*' 'wireguard-dkms' 2>/dev/null | grep_quiet 'ok installed'; then
  fail "a kernel or DKMS package came in through Recommends"
fi
in_root getent passwd picket | grep_quiet ':/var/lib/picket:/usr/sbin/nologin$' ||
  fail "no system user picket with home /var/lib/picket and no shell: $(in_root getent passwd picket)"
uid=$(in_root id -u picket)
[ "$uid" -lt 1000 ] || fail "user picket has uid $uid, not a system uid"
expect_mode /var/lib/picket "700 picket:picket"
expect_mode /etc/picket/picketd.conf "644 root:root"
expect_mode /usr/sbin/picketd "755 root:root"
expect_mode /lib/systemd/system/picketd.service "644 root:root"
expect_mode /var/cache/picket "700 root:root"
# make_dev made it 0600; the package's tmpfiles.d rule (applied by its
# postinst, and at every boot) gives it udev's mode.
expect_mode /usr/lib/tmpfiles.d/picket.conf "644 root:root"
expect_mode /dev/net/tun "666 root:root"
grep -qx 'endpoint = "vpn.test.example:51999"' "$ROOT/etc/picket/picketd.conf" ||
  fail "the config does not carry the endpoint"
grep -qx 'listen-port = 51999' "$ROOT/etc/picket/picketd.conf" || fail "the config does not carry the port"
grep -qx 'api-port = 8181' "$ROOT/etc/picket/picketd.conf" || fail "the config does not carry the admin API port"
[ "$(in_root systemctl is-enabled picketd.service)" = enabled ] || fail "picketd.service is not enabled"
[ "$(in_root systemctl is-enabled nftables.service)" = enabled ] || fail "nftables.service is not enabled"
grep -qx 'net.ipv4.ip_forward = 1' "$ROOT/etc/sysctl.d/60-picket.conf" || fail "no IPv4 forwarding sysctl"
grep -qx 'net.ipv6.conf.all.forwarding = 1' "$ROOT/etc/sysctl.d/60-picket.conf" || fail "no IPv6 forwarding sysctl"
grep -qx 'Storage=volatile' "$ROOT/etc/systemd/journald.conf.d/60-picket.conf" || fail "the journal is not volatile"
grep -qx 'APT::Periodic::Unattended-Upgrade "1";' "$ROOT/etc/apt/apt.conf.d/20auto-upgrades" ||
  fail "unattended upgrades are off"
grep -q 'udp dport 51999 accept' "$ROOT/etc/nftables.conf" || fail "the firewall does not let WireGuard in"
grep -q 'policy drop' "$ROOT/etc/nftables.conf" || fail "the firewall does not drop by default"
grep -Eq '^[[:space:]]*flush ruleset' "$ROOT/etc/nftables.conf" && fail "the firewall would flush picketd's own table"
# Only `nft --check`: loading it would change the build host's firewall.
nft --check --file "$ROOT/etc/nftables.conf" || fail "the firewall does not load"

log "the installed unit"
verify=$(systemd-analyze verify --root="$ROOT" picketd.service 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify is not clean: $verify"
exposure=$(systemd-analyze security --offline=true --root="$ROOT" picketd.service 2>&1 | sed -n 's/.*Overall exposure level for picketd.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure figure"
echo "   systemd-analyze security --offline=true: exposure $exposure"
systemd-analyze security --offline=true --root="$ROOT" --threshold=20 picketd.service >/dev/null ||
  fail "exposure $exposure is above 2.0"

source "$DEPLOY_DIR/fleet_checks.sh"
check_fleet_files

source "$DEPLOY_DIR/as_picket.sh"
check_picketd_as_picket

source "$DEPLOY_DIR/fleet_live.sh"
check_fleet_live

if [ "${PICKET_DEPLOY_VM:-0}" = 1 ]; then
  source "$DEPLOY_DIR/systemd_vm.sh"
  check_under_systemd
fi

echo "PASS ($((SECONDS - START)) s)"
