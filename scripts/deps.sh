#!/usr/bin/env bash
# Installs the Debian 12 packages Picket needs. Idempotent and silent when
# everything is present. Run as root.
#
#   scripts/deps.sh          what building and running picketd need (start.sh)
#   scripts/deps.sh --test   that, plus every tool the tests use (test.sh)
#
# Then it checks what package names cannot show: that the Node found can
# build the web admin (and, with --test, run its tests), and, with --test,
# that clang links a libFuzzer program with AddressSanitizer.
set -euo pipefail

WITH_TESTS=0
case "${1:-}" in
  "") ;;
  --test) WITH_TESTS=1 ;;
  *) echo "usage: scripts/deps.sh [--test]" >&2; exit 2 ;;
esac

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  libboost1.81-dev libssl-dev libsqlite3-dev nlohmann-json3-dev libqrcodegencpp-dev
  libsodium-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcli11-dev libsystemd-dev
  # the DNS resolver: libunbound's pkg-config file needs nettle and libevent too
  libunbound-dev nettle-dev libevent-dev
  # the gateway firewall (libnftables)
  libnftables-dev
  # run: the userspace WireGuard backend, link set-up, `wg show` for status by hand
  wireguard-go wireguard-tools iproute2
)
TEST_PACKAGES=(
  catch2
  # nft and socat for the firewall's tests and benchmark
  nftables socat
  # tests: QR decoding (terminal, PNG, and SVG through rsvg-convert), namespaces,
  # pings, sqlite inspection, raw-socket packets
  zbar-tools librsvg2-bin iputils-ping procps sqlite3 psmisc curl python3
  # admin API tests and benchmark: JSON, TOTP codes from an independent implementation,
  # TLS certificates, wrk, and nginx as the static-file ceiling
  jq oathtool openssl wrk nginx-light
  # tests: the kernel WireGuard backend inside Debian's kernel under qemu (tests/vm/)
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd
  # deployment: the Debian package (cpack runs file and dpkg-shlibdeps), the playbook
  # test on a debootstrapped root, and the unit check (systemd-analyze)
  file dpkg-dev debootstrap ansible ansible-lint systemd
  # DNS tests and benchmark: a test upstream, dig, dnsperf
  unbound bind9-dnsutils dnsperf
  # libFuzzer: clang, and its sanitizer and fuzzer runtimes, which clang brings
  # only as a recommendation (libclang-common-14-dev recommends libclang-rt-14-dev)
  clang libclang-rt-14-dev
  # the web admin's browser test (tests/browser/): Debian's Chromium
  chromium
  # lint tests: formatting and shell scripts
  clang-format shellcheck
)
[ "$WITH_TESTS" -eq 0 ] || PACKAGES+=("${TEST_PACKAGES[@]}")
# The web admin's build needs Node 18.19+ with npm. A Node that came from
# elsewhere (nodesource's nodejs bundles npm, and Debian's npm would clash
# with it) counts; check_node below says when it is not enough.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "picket: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  echo "picket: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: wireguard-tools would otherwise pull in a whole kernel.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web admin: vite 6 needs Node 18.19 or later; its tests draw key bytes
# from Web Crypto, which Node 18 has as require('node:crypto').webcrypto (the
# test set-up hands it over; Node 19+ also has it as a global).
check_node() {
  local why
  if ! why=$(node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 18 || (major === 18 && minor < 19))
      throw new Error("Node " + process.versions.node + " is older than 18.19");
    if (typeof require("node:crypto").webcrypto?.getRandomValues !== "function")
      throw new Error("Node " + process.versions.node + " has no Web Crypto (node:crypto webcrypto)");
  ' 2>&1); then
    echo "picket: the web admin cannot be built with this Node: $(echo "$why" | grep -m1 Error)" >&2
    echo "picket: install Debian 12's nodejs and npm (apt-get install nodejs npm), or put Node 18.19+ first on PATH" >&2
    exit 1
  fi
}

# libFuzzer builds link clang's runtimes; the package names do not show
# whether this clang finds them (another clang first on PATH, a half-removed
# libclang-rt).
check_clang_fuzzer() {
  local dir status=0
  dir=$(mktemp -d)
  printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$dir/probe.cpp"
  if ! clang++ -fsanitize=fuzzer,address -o "$dir/probe" "$dir/probe.cpp" >"$dir/log" 2>&1 ||
     ! "$dir/probe" -runs=1 >>"$dir/log" 2>&1; then
    status=1
    echo "picket: clang++ cannot build a -fsanitize=fuzzer,address program:" >&2
    grep -m3 -i 'error\|cannot' "$dir/log" >&2 || tail -n3 "$dir/log" >&2
    echo "picket: install libclang-rt-14-dev (clang's sanitizer and libFuzzer runtimes)" >&2
  fi
  rm -rf "$dir"
  return "$status"
}

check_node
[ "$WITH_TESTS" -eq 0 ] || check_clang_fuzzer
