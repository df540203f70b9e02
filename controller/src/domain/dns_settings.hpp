#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "picket/controller/model.hpp"
#include "picket/gateway/dns/resolver_config.hpp"

namespace picket::controller {

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
