#!/usr/bin/env bash
# Prints the path of a tarball holding a fresh Debian 12 root, as a VPS
# provider hands it over (systemd, python3 for Ansible, the security archive
# in sources.list), building it with debootstrap on the first call only. The
# tarball is cached so that reruns in CI take seconds, not minutes.
# Usage: base_root.sh [CACHE_DIR]
# Exits 77 when it cannot be built for want of debootstrap or the network
# (the tests then skip), 1 on any other failure.
set -euo pipefail

CACHE=${1:-${PICKET_DEPLOY_CACHE:-/var/cache/picket-test-deploy}}
MIRROR=http://deb.debian.org/debian
# Bump the version when the package list changes, so old caches are not reused.
TARBALL="$CACHE/bookworm-base-v1.tar"
INCLUDE=systemd,systemd-sysv,python3,ca-certificates

if [ -s "$TARBALL" ]; then
  echo "$TARBALL"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "base_root: debootstrap is missing (scripts/deps.sh --test installs it)" >&2; exit 77; }
curl -fsS --max-time 20 -o /dev/null "$MIRROR/dists/bookworm/InRelease" ||
  { echo "base_root: $MIRROR cannot be reached: no network?" >&2; exit 77; }
mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "base_root: debootstrapping Debian 12 into $WORK (first run only, a few minutes)" >&2
debootstrap --variant=minbase --include="$INCLUDE" bookworm "$WORK/root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
cat >"$WORK/root/etc/apt/sources.list" <<LIST
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
# Leave no downloaded packages or lists in the image; the test fetches fresh lists.
rm -rf "$WORK/root/var/cache/apt/archives/"*.deb "$WORK/root/var/lib/apt/lists/"*
tar -C "$WORK/root" -cf "$WORK/base.tar" .
mv "$WORK/base.tar" "$TARBALL"
echo "$TARBALL"
