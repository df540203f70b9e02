# The Debian package (CPack DEB): `cpack -G DEB` in a build directory, or the
# `package` target. See packaging/README.md.
#
# Files outside the install prefix: the unit and the default config. The
# tmpfiles.d rule goes under the prefix (/usr/lib/tmpfiles.d), as Debian's do. They use
# absolute destinations because Debian puts them at fixed places, whatever
# CMAKE_INSTALL_PREFIX says.
install(FILES ${PROJECT_SOURCE_DIR}/systemd/picketd.service DESTINATION /lib/systemd/system)
# Installed, not enabled: a gateway host enables it after picket-gateway enrol.
install(FILES ${PROJECT_SOURCE_DIR}/systemd/picket-gateway.service DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/picketd.conf DESTINATION /etc/picket)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/picket-tmpfiles.conf DESTINATION lib/tmpfiles.d
        RENAME picket.conf)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/picket)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME picket)
set(CPACK_PACKAGE_VENDOR "Picket")
set(CPACK_PACKAGE_CONTACT "Picket maintainers <picket@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted WireGuard VPN control plane and gateway")
set(CPACK_PACKAGE_DESCRIPTION
    "picketd programs a WireGuard interface (kernel, or wireguard-go where the kernel has\n\
none) from a small member database; the picket CLI adds devices and prints their\n\
QR codes. It stores no endpoint addresses, handshake times or private keys of members.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps; these are the programs picketd
# runs (wireguard-go, the userspace backend) or that the package's scripts and
# the admin use. wireguard-tools (`wg`) is only suggested: picketd programs the
# interface itself, and wireguard-tools recommends wireguard-modules, which
# only a kernel image provides, so a plain `apt-get install ./picket_*.deb`
# on a host without a kernel package (a container, a chroot) would pull one
# in. picket itself recommends nothing.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "wireguard-go, iproute2, passwd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "wireguard-tools")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Stripped in the package (a third of the size); the build directory keeps
# the unstripped binaries for debugging.
set(CPACK_STRIP_FILES ON)
include(CPack)
