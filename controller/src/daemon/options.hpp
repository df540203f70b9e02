#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "daemon/firewall_options.hpp"

namespace picket::controller {

inline constexpr const char* kDefaultSocket = "/run/picket/picket.sock";

struct DaemonOptions {
  std::filesystem::path state_dir = "/var/lib/picket";
  std::filesystem::path socket_path = kDefaultSocket;
  std::string backend = "auto";  // auto | userspace
  std::string wireguard_go = "wireguard-go";
  std::string wireguard_socket_dir = "/var/run/wireguard";
  std::uint32_t drift_interval_seconds = 60;
  FirewallOptions firewall;
  // Used only on the first start, to seed the stored settings.
  std::string interface_name = "picket0";
  std::uint16_t listen_port = 51820;
  std::string endpoint;
  std::string ipv4_subnet = "10.77.0.0/24";
  std::string ipv6_subnet = "fd77:77::/64";
};

}  // namespace picket::controller
