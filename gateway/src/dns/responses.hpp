#pragma once

// Responses that Picket makes itself: errors, truncation, blocked names, and
// the cacheable form of an upstream answer. Pure functions on values.

#include <optional>
#include <span>

#include "dns/packet_cache.hpp"
#include "dns/wire.hpp"
#include "picket/gateway/dns/blocklist.hpp"

namespace picket::gateway::dns {

// The flags every answer to `query` carries: QR, RA, and the client's RD/CD.
std::uint16_t answer_flags(const Query& query, std::uint8_t rcode);

// Header, question when it was readable, and OPT when the client sent one.
Bytes error_response(const ParsedQuery& parsed, std::uint8_t rcode);

// When `answer` exceeds what the client takes (over UDP), the header and
// question with TC set, so the client retries over TCP; otherwise unchanged.
Bytes fit_for_udp(Bytes answer, const Query& query);

Bytes blocked_response(const Query& query, BlockAnswer mode);

// Turns libunbound's answer_packet into a cache entry: question lowercased,
// OPT removed, DNSSEC records removed unless the client asked with DO, AD
// only for a validated answer asked with DO. Expires at the smallest TTL;
// negative answers at min(SOA TTL, SOA MINIMUM) (RFC 2308). Nullopt when the
// packet is malformed; `cacheable` is false for SERVFAIL and TTL 0.
struct Prepared {
  PacketCache::Entry entry;
  bool cacheable = false;
};
std::optional<Prepared> prepare_upstream_answer(std::span<const std::uint8_t> answer_packet,
                                                const Query& query, bool secure,
                                                Clock::time_point now);

inline constexpr std::uint32_t kMaxCacheTtl = 86400;

}  // namespace picket::gateway::dns
