#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "picket/gateway/device.hpp"
#include "picket/gateway/dns/resolver_config.hpp"
#include "picket/gateway/firewall_config.hpp"

// What a controller tells a gateway: plain values, no behaviour. With ip.hpp
// and key.hpp, all of gateway/ that the controller's domain may include.
namespace picket::gateway {

// One device as the data plane sees it: its WireGuard peer, what the
// firewall lets it reach, and the name the resolver answers for it. Nothing
// here says whose device it is: the name and the scopes come ready-made.
struct NodePeer {
  PeerConfig wireguard;  // allowed_ips: the device's /32 and /128
  FirewallDevice firewall;
  std::string dns_name;                   // below the zone, e.g. "phone.alice"; empty: no name
  std::vector<std::uint32_t> dns_scopes;  // who may see the name (LocalZone)
  // The gateway hosts, by name, that serve this peer; unset: every one. Only
  // a controller's fleet reads it (state_change.hpp's for_host): it is never
  // sent over the channel, and a node ignores it.
  std::optional<std::vector<std::string>> hosts;

  bool operator==(const NodePeer&) const = default;
};

// The resolver's settings that follow the controller's database.
struct DnsConfig {
  dns::UpstreamConfig upstream;
  dns::BlockAnswer block_answer = dns::BlockAnswer::nxdomain;
  std::vector<std::string> blocklist_files;  // read on this host
  std::string zone = "picket.internal";
  bool open_directory = false;  // every querier sees every name

  bool operator==(const DnsConfig&) const = default;
};

// Everything a gateway holds, whole.
struct GatewayState {
  SecretKey private_key;
  std::uint16_t listen_port = 51820;
  LinkSettings link;  // first address: the gateway's IPv4 in its subnet, then IPv6
  bool member_to_member = false;
  std::optional<DnsConfig> dns;  // unset: the resolver keeps what it has
  std::vector<NodePeer> peers;
};

// A change to part of it. Removals run before puts, so a reissue (a new key
// for the same addresses and name) is one change.
struct GatewayChange {
  std::vector<NodePeer> put;  // added, or replaced by public key
  std::vector<Key> remove;    // unknown keys are ignored
  std::optional<std::uint16_t> listen_port;
  std::optional<LinkSettings> link;
  std::optional<bool> member_to_member;
  std::optional<DnsConfig> dns;

  bool empty() const {
    return put.empty() && remove.empty() && !listen_port && !link && !member_to_member && !dns;
  }
};

struct NodeReport {
  ReconcileResult wireguard;
  bool interface_created = false;  // it was missing (first start, or it vanished)
  std::size_t peers = 0;
};

// What the blocklists hold after they were (re)read.
struct BlocklistSummary {
  std::size_t files = 0;
  std::size_t domains = 0;
  std::size_t bytes = 0;
  std::size_t skipped_lines = 0;
};

}  // namespace picket::gateway
