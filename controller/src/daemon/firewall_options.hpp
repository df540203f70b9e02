#pragma once

#include <cstdint>
#include <string>

namespace picket::controller {

// picketd's gateway firewall flags (daemon/flags.cpp defines them).
struct FirewallOptions {
  bool enabled = true;
  std::string uplink = "auto";   // auto (the default route's interface) | none | IFNAME
  bool forwarding = true;        // turn IPv4/IPv6 forwarding on while running
  bool ipv6_routed = false;      // the IPv6 subnet is routed to us: no NAT66
  std::uint16_t admin_port = 0;  // the admin API's TCP port on the tunnel address; 0 = none
};

}  // namespace picket::controller
