#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "picket/gateway/ip.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller {

// How one gateway host took a change (a controller drives gateways on
// other hosts; a single box has none to report).
struct GatewayAnswer {
  enum class Outcome { applied, failed, unreachable };
  std::string name;
  Outcome outcome = Outcome::unreachable;
  std::chrono::milliseconds took{0};  // applied or failed: from sending to the answer
  std::string error;                  // failed: the gateway's words (no member data)
};

// Where members reach one gateway host of a controller (picketd --role
// controller) and the WireGuard key it answers with: a member's config for
// that gateway differs from the others only in these two. Not secret.
struct GatewayEndpoint {
  std::string name;
  std::string endpoint;  // host:port
  gateway::Key public_key;

  bool operator==(const GatewayEndpoint&) const = default;
};

// One device's live figures on one gateway host of a controller, for
// `picket status`: read from the gateway when asked, held in memory only,
// never stored, and without the device's endpoint address.
struct GatewayPeerStats {
  std::string gateway;
  std::int64_t last_handshake_unix = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;

  bool operator==(const GatewayPeerStats&) const = default;
};

// The gateway's settings as stored. The private key lives in its own 0600
// file next to the database, not in a row.
struct Settings {
  std::string interface_name = "picket0";
  std::uint16_t listen_port = 51820;
  std::string endpoint;  // host:port that clients dial, e.g. vpn.example.org:51820
  gateway::Cidr ipv4_subnet = gateway::Cidr::parse("10.77.0.0/24");
  gateway::Cidr ipv6_subnet = gateway::Cidr::parse("fd77:77::/64");
  std::vector<gateway::IpAddress> dns;  // handed to clients; empty = the gateway's tunnel addresses
  std::uint32_t mtu = 1420;             // the gateway interface's MTU
  gateway::Key public_key;              // the gateway's

  bool operator==(const Settings&) const = default;
};

// A member is a pseudonymous label; nothing else about the person is kept.
struct Member {
  std::int64_t id = 0;
  std::string label;
  std::string note;
  std::int64_t created_at = 0;  // unix seconds

  bool operator==(const Member&) const = default;
};

// One WireGuard peer belonging to a member. No endpoint, handshake or
// traffic figure is ever part of it.
struct Device {
  std::int64_t id = 0;
  std::int64_t member_id = 0;
  std::string label;
  gateway::Key public_key;
  gateway::SecretKey preshared_key;
  // Both tunnel addresses are `host_index` hosts into their subnets, so a
  // device's IPv4 and IPv6 addresses end alike (10.77.0.5 / fd77:77::5).
  std::uint32_t host_index = 0;
  gateway::IpAddress ipv4;
  gateway::IpAddress ipv6;
  std::vector<gateway::Cidr> client_allowed_ips;  // what the client routes through the tunnel
  std::uint16_t keepalive = 25;                   // client PersistentKeepalive, 0 = off
  std::uint16_t mtu = 0;                          // client MTU, 0 = let the app decide
  bool enabled = true;
  std::optional<std::int64_t> expires_at;  // unix seconds
  std::int64_t created_at = 0;

  bool operator==(const Device&) const = default;
};

// What one device may reach beyond the gateway's DNS and admin API.
struct DeviceAccess {
  // Unset: the internet (and, when allowed, other members). Set: only these
  // destinations; an empty list reaches nothing but the gateway's services.
  std::optional<std::vector<gateway::Cidr>> restricted_to;
  // Devices that share a group reach each other while members are isolated.
  // A label (a-z, 0-9, '-'); empty = no group.
  std::string group;

  bool operator==(const DeviceAccess&) const = default;
};

inline constexpr std::size_t kMaxRestrictedCidrs = 64;

// The resolver's stored settings (table dns_settings). Names of members and
// devices never appear here: the zone holds them in memory only.
struct DnsSettings {
  std::string zone = "picket.internal";
  std::vector<std::string> blocklists;    // absolute paths of hosts/domain-list files
  std::string block_answer = "nxdomain";  // nxdomain | null
  std::string upstream = "recursive";     // recursive | tls | plain
  std::vector<std::string> servers;       // ADDRESS[@PORT][#AUTH-NAME] when forwarding
  bool dnssec = true;
  // Every member may resolve every device's name. Off: a member sees its own
  // devices' names and those of the devices it may reach.
  bool open_directory = false;

  bool operator==(const DnsSettings&) const = default;
};

}  // namespace picket::controller
