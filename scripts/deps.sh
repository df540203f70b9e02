#!/usr/bin/env bash
# Installs the Debian 12 packages Picket needs to build, run and test.
# Idempotent and silent when everything is present. Run as root.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  libboost1.81-dev libssl-dev libsqlite3-dev nlohmann-json3-dev libqrcodegencpp-dev
  libsodium-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcli11-dev libsystemd-dev catch2
  # the DNS resolver: libunbound's pkg-config file needs nettle and libevent too
  libunbound-dev nettle-dev libevent-dev
  # the gateway firewall (libnftables); nft and socat for its tests and benchmark
  libnftables-dev nftables socat
  # run: the userspace WireGuard backend, link set-up
  wireguard-go wireguard-tools iproute2
  # tests: QR decoding, namespaces, pings, sqlite inspection
  zbar-tools iputils-ping procps sqlite3 psmisc curl
  # admin API tests and benchmark: JSON, TOTP codes from an independent implementation,
  # TLS certificates, wrk, and nginx as the static-file ceiling
  jq oathtool openssl wrk nginx-light
  # tests: the kernel WireGuard backend inside Debian's kernel under qemu (tests/vm/)
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd
  # deployment: the Debian package (cpack runs file and dpkg-shlibdeps), the playbook
  # test on a debootstrapped root, and the unit check (systemd-analyze)
  file dpkg-dev debootstrap ansible ansible-lint systemd
  # DNS tests and benchmark: a test upstream, dig, dnsperf, clang for libFuzzer
  unbound bind9-dnsutils dnsperf clang
  # the web admin's browser test (tests/browser/): Debian's Chromium
  chromium
)
# The web admin's build needs Node 18+ with npm. A Node that came from
# elsewhere (nodesource's nodejs bundles npm, and Debian's npm would clash
# with it) counts.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "picket: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
echo "picket: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: wireguard-tools would otherwise pull in a whole kernel.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
