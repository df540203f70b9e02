# shellcheck shell=bash
# The installed root booted for real: Debian's kernel under qemu (TCG, no
# KVM needed) with the root directory itself as the root file system (9p),
# systemd as PID 1. Checks that the unit's sandbox lets picketd and its
# wireguard-go run: picketd.service active, wireguard-go under the unit's
# seccomp filter (SystemCallFilter, MemoryDenyWriteExecute) with only the two
# capabilities, a device added through the CLI, and a clean stop. Sourced by
# playbook_chroot.sh after the playbook ran (needs lib.sh's ROOT, WORK,
# CACHE, MOUNTS, in_root, fail, log).

# The kernel (tests/vm/kernel_image.sh: vmlinux for PVH, cached) and all of
# its modules (nftables, tun, virtio, 9p), unpacked once into the cache.
vm_kernel() {
  local image package version kver dir
  image=$("$SOURCE_DIR/tests/vm/kernel_image.sh") || fail "tests/vm/kernel_image.sh could not prepare the kernel"
  read -r package version kver <"$image/ready"
  VMLINUX="$image/vmlinux"
  KVER=$kver
  dir="$CACHE/kernel/${package}_${version}"
  if [ ! -f "$dir/ready" ]; then
    log "unpacking the modules of $package $version (first run only)"
    rm -rf "$dir"
    mkdir -p "$dir/deb"
    (cd "$dir/deb" && apt-get download -q "$package=$version" >"$WORK/kernel-download.log" 2>&1) ||
      { cat "$WORK/kernel-download.log" >&2; fail "apt-get download $package=$version"; }
    dpkg-deb --fsys-tarfile "$dir"/deb/*.deb | tar -x -C "$dir" --wildcards './lib/modules/*'
    rm -rf "$dir/deb"
    depmod -b "$dir" "$kver"
    touch "$dir/ready"
  fi
  MODULES_BASE=$dir
  MODULES="$dir/lib/modules/$kver"
}

# A small initramfs: busybox, the modules that reach the 9p root, and an
# init that mounts it and hands over to systemd.
vm_initramfs() {
  local initrd="$WORK/initrd" ko
  mkdir -p "$initrd"/{bin,dev,proc,sys,newroot,modules}
  cp "$(command -v busybox)" "$initrd/bin/busybox"
  : >"$initrd/modules/order"
  # One module per modprobe call: further arguments would be its parameters.
  for ko in $(for m in virtio_pci 9pnet_virtio 9p; do modprobe -d "$MODULES_BASE" -S "$KVER" --show-depends "$m"; done |
    awk '$1 == "insmod" && !seen[$2]++ {print $2}'); do
    case "$ko" in
      *.ko.xz) xz -dc "$ko" >"$initrd/modules/$(basename "$ko" .xz)" ;;
      *.ko.zst) zstd -qdc "$ko" >"$initrd/modules/$(basename "$ko" .zst)" ;;
      *) cp "$ko" "$initrd/modules/" ;;
    esac
    basename "${ko%.xz}" .zst >>"$initrd/modules/order"
  done
  grep -q '^9p.ko$' "$initrd/modules/order" || fail "no 9p module in $MODULES"
  cat >"$initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(/bin/busybox cat /modules/order); do /bin/busybox insmod "/modules/$m"; done
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap,msize=512000 root /newroot ||
  { echo "PICKET-VM: FAIL mounting the 9p root"; /bin/busybox poweroff -f; }
/bin/busybox umount /proc
/bin/busybox umount /dev
exec /bin/busybox switch_root /newroot /lib/systemd/systemd
INIT
  chmod 755 "$initrd/init"
  (cd "$initrd" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$WORK/initrd.cpio"
}

# What a VPS image has and the minimal base root lacks (udev loads the
# virtio NIC's and tun's modules, kmod the ones the kernel asks for), a DHCP
# client for the uplink, the checks as a unit, and the modules.
vm_prepare_root() {
  in_root apt-get install -y -q --no-install-recommends udev kmod >"$WORK/vm-apt.log" 2>&1 ||
    { tail -n 20 "$WORK/vm-apt.log" >&2; fail "apt-get install udev kmod in the root"; }
  bind "$MODULES" "$ROOT/lib/modules/$KVER" --bind -o ro
  cat >"$ROOT/etc/systemd/network/80-uplink.network" <<'NET'
[Match]
Name=en* eth*
[Network]
DHCP=ipv4
NET
  in_root systemctl enable systemd-networkd.service >/dev/null 2>&1
  echo picket-vm >"$ROOT/etc/hostname"
  install -m 0755 "$DEPLOY_DIR/vm_check.sh" "$ROOT/usr/local/sbin/picket-vm-check"
  cat >"$ROOT/etc/systemd/system/picket-vm-check.service" <<'UNIT'
[Unit]
Description=Picket deployment test: picketd under systemd
After=picketd.service multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/picket-vm-check
StandardOutput=journal+console
StandardError=journal+console
# The checks stopped picketd cleanly already; no orderly shutdown needed.
ExecStopPost=/bin/systemctl --no-block --force poweroff
[Install]
WantedBy=multi-user.target
UNIT
  in_root systemctl enable picket-vm-check.service >/dev/null 2>&1
  rm -f "$ROOT/usr/sbin/policy-rc.d" "$ROOT/root/vm-result"
  # The VM mounts its own /proc and /dev; the host's must not show through 9p.
  local keep=() m i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    m=${MOUNTS[i]}
    case "$m" in
      "$ROOT/proc" | "$ROOT/dev" | "$ROOT/dev/"*) umount "$m" ;;
      *) keep=("$m" "${keep[@]}") ;;
    esac
  done
  MOUNTS=("${keep[@]}")
}

check_under_systemd() {
  log "the installed root booted under qemu with systemd as PID 1"
  local start=$SECONDS status=0
  vm_kernel
  vm_initramfs
  vm_prepare_root
  # restrict=on: the guest gets an address and a default route from qemu's
  # DHCP but reaches nothing outside the VM.
  timeout "${PICKET_DEPLOY_VM_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -M pc -cpu max -m 1024M -smp 1 \
    -nodefaults -display none -serial stdio -no-reboot -kernel "$VMLINUX" -initrd "$WORK/initrd.cpio" \
    -append "console=ttyS0 panic=-1 rdinit=/init systemd.show_status=false" \
    -fsdev "local,id=root,path=$ROOT,security_model=passthrough" \
    -device virtio-9p-pci,fsdev=root,mount_tag=root \
    -nic user,model=virtio-net-pci,restrict=on </dev/null >"$WORK/vm-serial.log" 2>&1 || status=$?
  tr -d '\r' <"$WORK/vm-serial.log" >"$WORK/vm-console.log"
  [ "$status" -ne 124 ] || { tail -n 60 "$WORK/vm-console.log" >&2; fail "the VM did not finish in time"; }
  if ! grep -qx 'PICKET-VM: PASS' "$ROOT/root/vm-result" 2>/dev/null; then
    grep -a -i 'picket' "$WORK/vm-console.log" | tail -n 80 >&2
    cat "$ROOT/root/vm-checks" >&2 2>/dev/null
    fail "under systemd: $(grep '^PICKET-VM:' "$ROOT/root/vm-result" 2>/dev/null || echo 'no result')"
  fi
  sed 's/^/   /' "$ROOT/root/vm-checks"
  echo "   booted, checked and powered off in $((SECONDS - start)) s"
}
