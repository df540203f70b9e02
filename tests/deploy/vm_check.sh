#!/bin/bash
# Runs inside the VM that systemd_vm.sh boots (as picket-vm-check.service,
# after picketd.service): picketd under its real unit. Writes what it saw to
# /root/vm-checks and "PICKET-VM: PASS" or "PICKET-VM: FAIL reason" to
# /root/vm-result, which the host reads through the 9p root; then the unit
# powers the VM off.
set -uo pipefail

# `grep -q` stops reading at its first match; the writer then dies of
# SIGPIPE on its next write and, under pipefail, fails the pipeline though
# the line was there (nft writes a listing in many small writes: that made
# firewall_isolation fail now and then). grep_quiet reads to the end.
grep_quiet() { grep "$@" >/dev/null; }
exec 3>/root/vm-checks
note() { echo "$*" >&3; echo "picket-vm-check: $*"; }
finish() {
  echo "PICKET-VM: $*" >/root/vm-result
  echo "PICKET-VM: $*"
  if [ "$1" != PASS ]; then
    journalctl --no-pager -b -u picketd -n 60 | sed 's/^/journal: /'
    systemctl status --no-pager picketd | sed 's/^/status: /'
  fi
  sync
  exit 0
}
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
# CAP_NET_ADMIN (12) and CAP_NET_BIND_SERVICE (10).
CAP_MASK=0000000000001400

note "kernel $(uname -r), PID 1 $(cat /proc/1/comm), systemd $(systemctl --version | head -n1 | cut -d' ' -f2)"
state=""
for _ in $(seq 120); do
  state=$(systemctl is-active picketd.service)
  [ "$state" = active ] && break
  [ "$state" = failed ] && break
  sleep 1
done
[ "$state" = active ] || finish "FAIL picketd.service is $state"
note "systemctl is-active picketd: $state (Type=notify: READY=1 arrived)"

pid=$(systemctl show -p MainPID --value picketd.service)
uid=$(id -u picket)
[ "$(field "$pid" Uid | awk '{print $2}')" = "$uid" ] || finish "FAIL picketd does not run as picket"
[ "$(field "$pid" CapEff)" = "$CAP_MASK" ] || finish "FAIL picketd has CapEff $(field "$pid" CapEff)"
[ "$(field "$pid" NoNewPrivs)" = 1 ] || finish "FAIL picketd without NoNewPrivs"
[ "$(field "$pid" Seccomp)" = 2 ] || finish "FAIL picketd has no seccomp filter"

# The daemon works through its sandbox: settings, a device, the interface.
picket init --endpoint vpn.test.example:51999 >/dev/null || finish "FAIL picket init"
picket member add vmadmin >/dev/null 2>&1 || true
picket device add vmadmin laptop >/tmp/device.txt || finish "FAIL picket device add: $(cat /tmp/device.txt)"
grep -q 'scan this into the WireGuard app' /tmp/device.txt || finish "FAIL no QR code"
peers=$(wg show picket0 peers | wc -l)
[ "$peers" -ge 1 ] || finish "FAIL no peer on picket0"
note "picket device add: QR code printed; picket0 ($(ip -d link show picket0 | grep -o 'wireguard' | head -n1 || echo 'tun, wireguard-go')) has $peers peer(s), listens on $(wg show picket0 listen-port)"
nft list tables | grep_quiet -x 'table inet picket_picket0' || finish "FAIL picketd's nftables table is missing"
nft list tables | grep_quiet -x 'table inet picket_host' || finish "FAIL the host firewall (nftables.service) is not loaded"
note "nftables: $(nft list tables | tr '\n' ' ')"
[ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] || finish "FAIL IPv4 forwarding is off"
if [ -n "$(ls -A /var/log/journal 2>/dev/null)" ]; then finish "FAIL the journal is on disk"; fi
note "forwarding on, journal in /run only ($(journalctl --header 2>/dev/null | sed -n 's/^File path: //p' | head -n1))"
api=$(ss -Hltn 'sport = :8181' | awk '{print $4}' | sort | tr '\n' ' ')
[ -n "$api" ] || finish "FAIL the admin API does not listen on port 8181"
# No curl in the image: bash's /dev/tcp. /metrics answers without a session.
exec 4<>/dev/tcp/127.0.0.1/8181 || finish "FAIL cannot connect to the admin API"
printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&4
status=$(head -n1 <&4 | tr -d '\r')
exec 4<&-
[[ "$status" == "HTTP/1.1 200"* ]] || finish "FAIL the admin API answered '$status' to GET /metrics"
note "admin API listens on $api; GET /metrics: $status"
journalctl --no-pager -b -u picketd -o cat | grep -i 'denied\|not permitted\|read-only\|error' | sed 's/^/journal: /' >&3

# backend = auto took the kernel's WireGuard above (the modules are there, as
# on a VPS with Debian's kernel). Now wireguard-go, under the same unit.
systemctl stop picketd.service
ip link del picket0 2>/dev/null
sed -i 's/^backend = .*/backend = "userspace"/' /etc/picket/picketd.conf
systemctl start picketd.service || finish "FAIL picketd did not start with the userspace backend"
pid=$(systemctl show -p MainPID --value picketd.service)
[ "$(field "$pid" Seccomp)" = 2 ] || finish "FAIL picketd has no seccomp filter"
wg_pid=""
for _ in $(seq 30); do
  for p in $(cat /sys/fs/cgroup/system.slice/picketd.service/cgroup.procs); do
    [ "$(cat "/proc/$p/comm")" = wireguard-go ] && wg_pid=$p
  done
  [ -n "$wg_pid" ] && break
  sleep 1
done
[ -n "$wg_pid" ] || finish "FAIL no wireguard-go in picketd.service's cgroup (backend $(picket --json init 2>&1 | head -c 200))"
[ "$(field "$wg_pid" Uid | awk '{print $2}')" = "$uid" ] || finish "FAIL wireguard-go does not run as picket"
[ "$(field "$wg_pid" CapEff)" = "$CAP_MASK" ] || finish "FAIL wireguard-go has CapEff $(field "$wg_pid" CapEff)"
[ "$(field "$wg_pid" Seccomp)" = 2 ] || finish "FAIL wireguard-go has no seccomp filter"
note "wireguard-go (pid $wg_pid) runs as picket, CapEff $CAP_MASK, NoNewPrivs $(field "$wg_pid" NoNewPrivs), seccomp filters $(field "$wg_pid" Seccomp_filters)"
note "unit: $(systemctl show -p MemoryDenyWriteExecute -p NoNewPrivileges -p ProtectSystem -p PrivateDevices picketd.service | tr '\n' ' ')"

peers=$(wg show picket0 peers | wc -l)
[ "$peers" -ge 1 ] || finish "FAIL wireguard-go's picket0 did not get the stored peer back"
note "backend = userspace: picket0 is wireguard-go's with $peers peer(s)"

# Why the unit has ReadWritePaths=/proc/sys/net and no ProcSubset=pid.
if systemd-run --wait -q -p ProcSubset=pid cat /proc/sys/net/ipv4/ip_forward >/dev/null 2>&1; then
  note "with ProcSubset=pid /proc/sys/net/ipv4/ip_forward is readable"
else
  note "with ProcSubset=pid /proc/sys/net/ipv4/ip_forward is not readable (why the unit does not set it)"
fi

# ProtectKernelTunables with ReadWritePaths=/proc/sys/net: picketd turns
# forwarding on itself and puts it back on a clean stop.
systemctl stop picketd.service
sysctl -q -w net.ipv4.ip_forward=0
systemctl start picketd.service || finish "FAIL picketd did not start again"
[ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] || finish "FAIL picketd could not turn IPv4 forwarding on under the unit"
systemctl stop picketd.service
result=$(systemctl show -p Result --value picketd.service)
[ "$result" = success ] || finish "FAIL picketd stopped with result $result"
if nft list tables | grep_quiet picket_picket0; then finish "FAIL picketd's table outlived a clean stop"; fi
[ "$(sysctl -n net.ipv4.ip_forward)" = 0 ] || finish "FAIL picketd did not put IPv4 forwarding back on stop"
note "picketd turned ip_forward 0 -> 1 through the sandbox and back to 0 on stop"
note "systemctl stop picketd: result $result, its nftables table removed"
finish PASS
