#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::gateway {

// What one tunnel device may reach. Keyed by its tunnel addresses: WireGuard's
// cryptokey routing drops any packet whose source is not its peer's allowed
// IPs, so a source address in the forward path is proof of the device.
struct FirewallDevice {
  IpAddress ipv4;
  IpAddress ipv6;
  // Unset: anywhere the policy allows. Set: only these destinations (an empty
  // list reaches nothing beyond the gateway's own services).
  std::optional<std::vector<Cidr>> restricted_to;
  // 0 = no group. Devices that share a non-zero group reach each other even
  // when members are isolated.
  std::uint32_t group = 0;

  bool operator==(const FirewallDevice&) const = default;
};

// The gateway-wide part of the ruleset.
struct FirewallConfig {
  std::string tunnel_interface;
  // Where members' traffic leaves for the internet; unset means no NAT and
  // nothing forwarded out of the tunnel (members reach the gateway only).
  std::optional<std::string> uplink;
  Cidr ipv4_subnet;
  Cidr ipv6_subnet;
  IpAddress gateway_ipv4;
  IpAddress gateway_ipv6;
  std::uint16_t admin_port = 0;  // TCP port of the admin API on the tunnel address; 0 = none
  bool masquerade_ipv6 = true;   // NAT66 of the ULA subnet; off when IPv6 is routed
  bool member_to_member = false;

  bool operator==(const FirewallConfig&) const = default;
};

}  // namespace picket::gateway
