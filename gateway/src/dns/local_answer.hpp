#pragma once

#include <optional>

#include "dns/wire.hpp"
#include "picket/gateway/dns/local_zone.hpp"

namespace picket::gateway::dns {

// Short: device names change when devices come and go.
inline constexpr std::uint32_t kLocalTtl = 60;

// The authoritative answer for a query inside the local zone (or a PTR of
// one of its addresses or local networks), as `querier` may see it; nullopt
// when the zone has nothing to say.
std::optional<Bytes> local_answer(const LocalZone& zone, const Query& query,
                                  const IpAddress& querier);

}  // namespace picket::gateway::dns
