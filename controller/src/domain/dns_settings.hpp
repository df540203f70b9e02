#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "picket/gateway/dns/resolver.hpp"

namespace picket::controller {

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

// Throws std::invalid_argument quoting the bad value.
void validate(const DnsSettings& settings);

gateway::dns::UpstreamConfig upstream_config(const DnsSettings& settings, std::size_t cache_bytes);
gateway::dns::BlockAnswer block_answer_of(const DnsSettings& settings);

// picketd's resolver options; `seed` is stored on the first start only.
struct DnsOptions {
  bool enabled = true;
  std::uint16_t port = 53;
  std::uint32_t rate_limit = 500;  // answers per second per source, 0 = off
  std::size_t cache_mb = 32;       // Picket's packet cache; libunbound's caches get as much again
  DnsSettings seed;
};

}  // namespace picket::controller
