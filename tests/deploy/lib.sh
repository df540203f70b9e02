# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# Shared helpers for the deployment tests: throw-away Debian 12 roots made
# from the cached debootstrap tarball, with the mounts dpkg and apt need.
# Source it; everything created is undone on exit, also on failure or ^C.
set -euo pipefail

# `grep -q` stops reading at its first match; the writer then dies of
# SIGPIPE on its next write and, under pipefail, fails the pipeline though
# the line was there (nft writes a listing in many small writes: that made
# firewall_isolation fail now and then). grep_quiet reads to the end.
grep_quiet() { grep "$@" >/dev/null; }

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(cd "$DEPLOY_DIR/../.." && pwd)
CACHE=${PICKET_DEPLOY_CACHE:-/var/cache/picket-test-deploy}
MIRROR=http://deb.debian.org/debian
WORK=$(mktemp -d /tmp/picket-deploy.XXXXXX)
ROOT="$WORK/root"
ROOTS=()    # every root make_root unpacked, $ROOT among them
MOUNTS=()
NETNS=""
NETNSES=()  # further network namespaces a test made

log() { echo "== $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# CTest's SKIP_RETURN_CODE: not run, for a reason outside the project.
skip() {
  echo "skipped: $*"
  exit 77
}

# Processes whose root directory is one of the test's roots (a daemon a
# maintainer script might have started despite policy-rc.d, or a test's
# picketd or picket-gateway).
chroot_pids() {
  local link dir
  for link in /proc/[0-9]*/root; do
    dir=$(readlink "$link" 2>/dev/null) || continue
    case "$dir" in "$WORK"/*) basename "$(dirname "$link")" ;; esac
  done
  return 0
}

cleanup() {
  local status=$?
  set +e
  local ns
  for ns in "$NETNS" "${NETNSES[@]}"; do
    [ -n "$ns" ] && ip netns list | grep_quiet -w "$ns" || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns delete "$ns"
  done
  for pid in $(chroot_pids); do kill -9 "$pid" 2>/dev/null; done
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
  done
  # Never delete through a mount that is still there (the apt cache, /dev).
  if ! grep -q " $WORK/" /proc/self/mounts; then rm -rf "$WORK"; else echo "left $WORK: still mounted" >&2; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bind() {
  mkdir -p "$2"
  mount "${@:3}" "$1" "$2"
  MOUNTS+=("$2")
}

# A /dev of the root's own, as a container VPS without udev has it: the
# usual nodes, and /dev/net/tun root-only (0600) whatever the build host's
# mode is, so the package must make it usable for user picket. Its own
# tmpfs, so nothing the package or a test does here reaches the host's /dev.
make_dev() {
  local dev=$1
  bind tmpfs "$dev" -t tmpfs -o mode=0755,nosuid
  local node name major minor
  for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
    read -r name major minor <<<"$node"
    mknod -m 0666 "$dev/$name" c "$major" "$minor"
  done
  mkdir -m 0755 "$dev/net" "$dev/pts"
  mkdir -m 1777 "$dev/shm"
  mknod -m 0600 "$dev/net/tun" c 10 200
  bind devpts "$dev/pts" -t devpts -o newinstance,ptmxmode=0666,mode=0620
  ln -s pts/ptmx "$dev/ptmx"
  ln -s /proc/self/fd "$dev/fd"
  ln -s /proc/self/fd/0 "$dev/stdin"
  ln -s /proc/self/fd/1 "$dev/stdout"
  ln -s /proc/self/fd/2 "$dev/stderr"
}

# A fresh Debian 12 root, as a VPS provider hands it over, in DIR (under
# $WORK; default $ROOT).
make_root() {
  local root=${1:-$ROOT} tarball status=0
  tarball=$("$DEPLOY_DIR/base_root.sh" "$CACHE") || status=$?
  [ "$status" -ne 77 ] || skip "the Debian 12 base root cannot be built (base_root.sh says why, above)"
  [ "$status" -eq 0 ] || fail "base_root.sh could not build the Debian 12 base root"
  mkdir -p "$root"
  tar -C "$root" -xf "$tarball"
  bind proc "$root/proc" -t proc
  make_dev "$root/dev"
  # Downloaded packages survive between runs; the installs stay real. The
  # first root writes the cache; later ones read it through an overlay with
  # a writable layer of their own, so each has its own
  # /var/cache/apt/archives/lock: apt in two roots at once (a play on
  # several hosts) would otherwise fail on the other's lock. What they
  # download beyond the first root's is not kept.
  mkdir -p "$CACHE/apt-archives/partial"
  if [ "${#ROOTS[@]}" -eq 0 ]; then
    bind "$CACHE/apt-archives" "$root/var/cache/apt/archives" --bind
  else
    local layer
    layer=$(mktemp -d "$WORK/apt-layer.XXXXXX")
    mkdir "$layer/upper" "$layer/work"
    bind overlay "$root/var/cache/apt/archives" -t overlay \
      -o "lowerdir=$CACHE/apt-archives,upperdir=$layer/upper,workdir=$layer/work"
  fi
  ROOTS+=("$root")
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # There is no init in a chroot: maintainer scripts must not start daemons.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
}

# The package under test: PICKET_DEPLOY_DEB, or one made now with cpack from
# the build directory $1.
make_package() {
  if [ -n "${PICKET_DEPLOY_DEB:-}" ]; then
    DEB=$(realpath "$PICKET_DEPLOY_DEB")
  else
    (cd "$1" && cpack -G DEB -B "$WORK/package" >"$WORK/cpack.log" 2>&1) ||
      { tail -n 20 "$WORK/cpack.log" >&2; fail "cpack could not build the package"; }
    DEB=$(ls "$WORK"/package/picket_*.deb)
  fi
  [ -f "$DEB" ] || fail "no package at $DEB"
}

in_root() { chroot "$ROOT" "$@"; }
