#pragma once

#include <memory>
#include <string>

#include "picket/gateway/backend.hpp"

namespace picket::gateway {

struct UserspaceOptions {
  std::string interface_name = "picket0";
  // Where wireguard-go puts its control sockets (<dir>/<ifname>.sock).
  std::string socket_dir = "/var/run/wireguard";
  // Started (it daemonizes itself) when the interface does not exist yet.
  std::string wireguard_go = "wireguard-go";
  // The TUN clone device wireguard-go opens; checked first, with our
  // credentials (wireguard-go inherits them), so its failure is explained.
  std::string tun_device = "/dev/net/tun";
};

// The cross-platform UAPI text protocol over wireguard-go's unix socket, plus
// rtnetlink (libnl-route-3) for MTU, addresses and link state.
std::unique_ptr<WireGuardBackend> make_userspace_backend(const UserspaceOptions& options);

}  // namespace picket::gateway
