#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "picket/gateway/dns/blocklist.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

// Where misses go. libunbound does the work either way, configured to log
// nothing and keep nothing on disk.
struct UpstreamConfig {
  enum class Mode {
    recursive,  // full recursion from the root (DNSSEC validated by default)
    tls,        // forward to `servers` over DNS-over-TLS (port 853, certificate checked)
    plain,      // forward over plain DNS: for tests and trusted local upstreams only
    none,       // ask no one: only local names answer (a stored mode this host cannot run)
  };
  Mode mode = Mode::recursive;
  // "ADDRESS", "ADDRESS@PORT" or, for TLS, "ADDRESS@PORT#AUTH-NAME".
  std::vector<std::string> servers;
  bool dnssec = true;  // validate against the built-in root trust anchor
  std::size_t msg_cache_bytes = 4 << 20;
  std::size_t rrset_cache_bytes = 8 << 20;

  bool operator==(const UpstreamConfig&) const = default;
};

// Whether this libunbound can forward over TLS. Debian 12's is built with
// nettle instead of OpenSSL and fails every TLS lookup ("initialization
// failure"), so tls mode is refused up front rather than answering SERVFAIL
// forever. Asks a throwaway context about a local name: no packet leaves.
bool dns_over_tls_available();

// What the refusal says, so every layer words it the same way.
extern const char* const kDnsOverTlsUnavailable;

struct ResolverConfig {
  // Tunnel addresses to listen on; bound even before the interface has them
  // (IP_FREEBIND), so a recreated interface needs no rebind.
  std::vector<IpAddress> listen;
  std::uint16_t port = 53;  // 0 = any (tests)
  // Only these sources get answers; everything else is dropped unanswered.
  std::vector<Cidr> allowed_sources;
  UpstreamConfig upstream;
  BlockAnswer block_answer = BlockAnswer::nxdomain;
  std::size_t packet_cache_bytes = 32 << 20;
  std::uint32_t rate_limit_per_source = 500;  // answers per second; 0 = unlimited
  std::size_t max_tcp_connections = 256;
  std::size_t max_tcp_per_source = 16;
  std::chrono::milliseconds tcp_idle_timeout{10000};
};

// Counters only: the resolver keeps no per-query record anywhere.
struct ResolverStats {
  std::uint64_t queries = 0, cache_hits = 0, local = 0, blocked = 0, upstream = 0,
                refused_sources = 0, rate_limited = 0, malformed = 0;
  // Queries dropped because their source (or everyone) had too many waiting
  // for upstream; upstream lookups given up after the time limit.
  std::uint64_t upstream_dropped = 0, upstream_timeouts = 0;
};

}  // namespace picket::gateway::dns
