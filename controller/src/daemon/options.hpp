#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/firewall_options.hpp"
#include "domain/dns_settings.hpp"
#include "state/state_dir.hpp"
#include "state/state_files.hpp"

namespace picket::controller {

// The state directory and the first start's seed come from StateSeed.
// --role controller: picketd drives gateway hosts (picket-gateway) over the
// channel instead of an interface of its own.
struct ControllerRoleOptions {
  bool enabled = false;
  std::string listen = "0.0.0.0";  // where gateways dial in
  std::uint16_t port = 51821;
  // What enrolment tokens tell gateways to dial; empty: the host of the
  // stored endpoint.
  std::string host;
  std::uint32_t answer_timeout_ms = 5000;
};

struct DaemonOptions : StateSeed {
  std::filesystem::path socket_path = kDefaultSocket;
  std::string backend = "auto";  // auto | userspace
  std::string wireguard_go = "wireguard-go";
  std::string wireguard_socket_dir = "/var/run/wireguard";
  std::uint32_t drift_interval_seconds = 60;
  // Locked mode (locked_state.hpp). Also on whenever picket.sealed exists.
  bool locked = false;
  // The admin HTTP API: localhost and the tunnel address at api_port (0 =
  // off); any api_listen address is HTTPS with tls_cert and tls_key.
  std::uint16_t api_port = 8080;
  std::vector<std::string> api_listen;
  std::string tls_cert;
  std::string tls_key;
  std::int64_t session_idle_timeout = 30 * 60;  // tests only: may only shorten it
  FirewallOptions firewall;
  DnsOptions dns;
  ControllerRoleOptions controller;
};

}  // namespace picket::controller
