#!/usr/bin/env bash
# The Debian package's metadata and contents, without installing it.
# Usage: check_package.sh picket_VERSION_ARCH.deb
set -euo pipefail
DEB=${1:?usage: check_package.sh FILE.deb}
fail() { echo "FAIL: $*" >&2; exit 1; }

field() { dpkg-deb --field "$DEB" "$1"; }
[ "$(field Package)" = picket ] || fail "the package is called $(field Package)"
depends=$(field Depends)
for dep in wireguard-go iproute2 passwd libc6 libsqlite3-0 libsodium23 libnl-3-200 libnftables1 libunbound8; do
  grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
# wireguard-tools recommends wireguard-modules, i.e. a kernel image: only suggested.
if grep -Eq "(^|, )wireguard-tools( |,|$)" <<<"$depends"; then fail "Depends has wireguard-tools: $depends"; fi
[ "$(field Suggests)" = wireguard-tools ] || fail "the package suggests '$(field Suggests)', not wireguard-tools"
[ -z "$(field Recommends)" ] || fail "the package recommends $(field Recommends): a VPS needs no kernel packages"

contents=$(dpkg-deb --contents "$DEB")
for path in ./usr/sbin/picketd ./usr/sbin/picket ./lib/systemd/system/picketd.service \
  ./usr/sbin/picket-gateway ./lib/systemd/system/picket-gateway.service \
  ./etc/picket/picketd.conf ./usr/share/doc/picket/README.md ./usr/lib/tmpfiles.d/picket.conf; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
if grep -q ' ./var/lib/picket' <<<"$contents"; then fail "the package ships state"; fi

control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb --control "$DEB" "$control"
grep -qx /etc/picket/picketd.conf "$control/conffiles" || fail "picketd.conf is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$control/$script" ] || fail "no executable $script"
  sh -n "$control/$script" || fail "$script has a syntax error"
done
echo "   $(basename "$DEB"): $(du -k "$DEB" | cut -f1) KiB; Depends: $depends"
