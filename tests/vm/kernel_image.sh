#!/bin/bash
# Prepares Debian's current kernel for the VM tests and prints the directory
# holding it: vmlinux (uncompressed ELF: QEMU enters it through PVH, which
# saves seconds of decompression under TCG) and base.cpio (busybox, the
# WireGuard modules with modules.dep, iproute2's ip, wg, their libraries).
# Cached per kernel package version; a new one in the archive is fetched on
# the next run.
#   usage: kernel_image.sh [CACHE_DIR]
set -euo pipefail

cache=${1:-${PICKET_VM_CACHE:-/var/cache/picket-test-vm}}
say() { echo "kernel_image: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in apt-cache apt-get dpkg-deb depmod cpio xz busybox; do
  command -v "$tool" >/dev/null || die "missing $tool: run scripts/deps.sh --test (qemu-system-x86 busybox-static cpio kmod xz-utils)"
done

# The archive keeps only the current ABI, so the versioned name is looked up
# through the meta package every time.
resolve() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9].*-amd64$/ {print $2; exit}'
}
package=$(resolve)
if [ -z "$package" ]; then
  apt-get update -qq >&2 || true
  package=$(resolve)
fi
[ -n "$package" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-get update?)"
version=$(apt-cache show --no-all-versions "$package" | awk '/^Version:/ {print $2; exit}')
dir="$cache/${package}_${version}"
if [ -f "$dir/ready" ]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "fetching $package $version"
(cd "$work" && apt-get download -q "$package" 2>&1 | grep -v "^W: Download is performed unsandboxed" >&2) ||
  die "apt-get download $package failed (network? apt sources?)"
deb=$(ls "$work"/*.deb)

# Only what the VM needs: the kernel and the modules WireGuard pulls in.
modules="libchacha chacha-x86_64 poly1305-x86_64 libchacha20poly1305 libcurve25519-generic
         curve25519-x86_64 ip6_udp_tunnel udp_tunnel wireguard veth"
patterns=("./boot/vmlinuz-*" "./lib/modules/*/modules.order" "./lib/modules/*/modules.builtin"
          "./lib/modules/*/modules.builtin.modinfo")
for m in $modules; do patterns+=("*/$m.ko*"); done
mkdir "$work/x"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/x" --wildcards "${patterns[@]}"
kver=$(ls "$work/x/lib/modules")
for m in $modules; do
  [ -n "$(find "$work/x/lib/modules" -name "$m.ko*")" ] || die "$package has no $m module"
done
find "$work/x/lib/modules" -name '*.ko.xz' -exec xz -d {} +
find "$work/x/lib/modules" -name '*.ko.zst' -exec sh -c 'for f; do zstd -qd --rm "$f"; done' _ {} +
# The package ships no modules.dep; busybox modprobe needs one.
depmod -b "$work/x" "$kver"
grep -q "wireguard.ko:" "$work/x/lib/modules/$kver/modules.dep" || die "depmod did not list wireguard"

# vmlinuz is a boot stub around a compressed vmlinux: find the compressed
# stream by its magic and unpack until something that is an ELF comes out.
vmlinuz=$(ls "$work"/x/boot/vmlinuz-*)
extract() {
  local magic=$1 decompress=$2 offset
  for offset in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1); do
    tail -c +$((offset + 1)) "$vmlinuz" | $decompress >"$work/vmlinux" 2>/dev/null || true
    if [ "$(head -c 4 "$work/vmlinux" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then return 0; fi
  done
  return 1
}
extract '\xfd7zXZ\x00' "xz -dc --single-stream" ||
  extract '\x1f\x8b\x08' "gzip -dc" ||
  extract '\x28\xb5\x2f\xfd' "zstd -dc" ||
  die "could not find a vmlinux inside $vmlinuz"

# The base of the initramfs: everything but the project's own binaries.
root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,var/run,etc}
cp "$(command -v busybox)" "$root/bin/busybox"
cp -a "$work/x/lib/modules" "$root/lib/"
# busybox runs its own applets before anything on PATH: the real iproute2
# and wg live under names busybox does not know.
cp "$(command -v ip)" "$root/usr/sbin/iproute2-ip"
cp "$(command -v wg)" "$root/usr/bin/wg"
"$(dirname "$0")/copy_libs.sh" "$root" "$root/usr/sbin/iproute2-ip" "$root/usr/bin/wg"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/base.cpio"

mkdir -p "$dir.tmp"
mv "$work/vmlinux" "$work/base.cpio" "$dir.tmp/"
echo "$package $version $kver" >"$dir.tmp/ready"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
say "cached in $dir"
echo "$dir"
