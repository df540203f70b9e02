#!/bin/busybox sh
# shellcheck shell=dash
# /init of the test VM. Runs what the kernel command line's picket.mode asks
# for and reports on the serial console. Only "PICKET-VM: PASS" counts as
# success: a kernel panic also ends QEMU with status 0.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

finish() {
  echo "PICKET-VM: $1"
  # isa-debug-exit makes QEMU exit with (value << 1) | 1, i.e. 3: failure.
  [ "$1" = PASS ] || printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
  poweroff -f
}

modprobe wireguard && modprobe veth || finish "FAIL loading the wireguard and veth modules"
/usr/sbin/iproute2-ip link set lo up
mode=$(sed -n 's/.*picket\.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
cd /tmp || exit 1
case "$mode" in
  test)
    echo "PICKET-VM: kernel $(uname -r), running the kernel backend suite"
    /opt/picket/picket_gateway_tests "[kernel]" || finish "FAIL kernel backend suite"
    /opt/picket/netns_ping.sh || finish "FAIL two-namespace handshake and ping"
    finish PASS
    ;;
  bench)
    /opt/picket/picket_kernel_bench || finish "FAIL benchmark"
    finish PASS
    ;;
  *) finish "FAIL unknown picket.mode '$mode'" ;;
esac
