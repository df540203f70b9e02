#!/bin/bash
# Boots Debian's kernel under qemu (TCG; no KVM needed) with the project's
# binaries in the initramfs and reads the result from the serial console.
#   usage: run_vm.sh test  GATEWAY_TESTS VM_TOOL      the [kernel] suite + netns ping
#          run_vm.sh bench KERNEL_BENCH               bench/kernel_apply_bench.cpp
# PICKET_VM_CACHE (default /var/cache/picket-test-vm) keeps the kernel and the
# base initramfs between runs; PICKET_VM_TIMEOUT bounds the boot (seconds).
set -euo pipefail

# `grep -q` stops reading at its first match; the writer then dies of
# SIGPIPE on its next write and, under pipefail, fails the pipeline though
# the line was there (nft writes a listing in many small writes: that made
# firewall_isolation fail now and then). grep_quiet reads to the end.
grep_quiet() { grep "$@" >/dev/null; }
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
shift || true
case "$mode" in
  test) [ $# -eq 2 ] || { echo "usage: $0 test GATEWAY_TESTS VM_TOOL" >&2; exit 2; } ;;
  bench) [ $# -eq 1 ] || { echo "usage: $0 bench KERNEL_BENCH" >&2; exit 2; } ;;
  *) echo "usage: $0 test|bench BINARIES..." >&2; exit 2 ;;
esac
command -v qemu-system-x86_64 >/dev/null ||
  { echo "run_vm: qemu-system-x86_64 missing: run scripts/deps.sh --test" >&2; exit 1; }

cache=${PICKET_VM_CACHE:-/var/cache/picket-test-vm}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/picket-test-vm
fi
image=$("$here/kernel_image.sh" "$cache")

work=$(mktemp -d)
qemu_pid=
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The project's part of the initramfs, appended to the cached base (the
# kernel unpacks concatenated cpio archives one after the other).
root="$work/root"
mkdir -p "$root/opt/picket"
for binary in "$@"; do
  # Debug info is most of the size, and every byte is unpacked under TCG.
  objcopy --strip-debug "$binary" "$root/opt/picket/$(basename "$binary")"
done
install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$here/netns_ping.sh" "$root/opt/picket/netns_ping.sh"
"$here/copy_libs.sh" "$root" "$root"/opt/picket/picket_*
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/project.cpio"
cat "$image/base.cpio" "$work/project.cpio" >"$work/initrd.cpio"

echo "run_vm: booting $(cut -d' ' -f1,2 "$image/ready") under qemu (TCG), mode $mode"
start=$(date +%s)
set +e
timeout "${PICKET_VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -M pc -cpu max -m 1536M -smp 1 \
  -nographic -no-reboot -kernel "$image/vmlinux" -initrd "$work/initrd.cpio" \
  -append "console=ttyS0 panic=-1 quiet picket.mode=$mode" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$work/serial.log" 2>&1 &
qemu_pid=$!
wait "$qemu_pid"
status=$?
qemu_pid=
set -e
tr -d '\r' <"$work/serial.log"
echo "run_vm: qemu exited with status $status after $(($(date +%s) - start)) s"
[ "$status" -eq 124 ] && { echo "run_vm: FAIL: timed out" >&2; exit 1; }
if tr -d '\r' <"$work/serial.log" | grep_quiet -x "PICKET-VM: PASS"; then
  exit 0
fi
echo "run_vm: FAIL: the VM did not report success" >&2
exit 1
