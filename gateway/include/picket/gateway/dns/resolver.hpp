#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "picket/gateway/dns/blocklist.hpp"
#include "picket/gateway/dns/local_zone.hpp"
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

// The members' DNS resolver: UDP and TCP listeners, the local zone, the
// blocklist, a packet cache, libunbound behind it. It runs on a thread of
// its own, so that a slow control-plane call (a full interface read, an
// fsync) never delays a lookup, and a query flood never delays a revoke.
// Every public method is thread-safe.
class Resolver {
 public:
  // Binds the sockets and starts the thread; throws Error (naming the
  // address, never a member's) when a socket or libunbound cannot be set up.
  explicit Resolver(ResolverConfig config);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  LocalZone& local_zone();
  void set_blocklist(Blocklist blocklist);
  void set_block_answer(BlockAnswer answer);
  // Replaces libunbound's context (queries in flight get SERVFAIL) and
  // empties the packet cache. Throws Error on a bad configuration, keeping
  // the old upstream.
  void set_upstream(const UpstreamConfig& upstream);
  // The ports actually bound, for tests that ask for port 0: UDP then TCP
  // for each listen address.
  std::vector<std::uint16_t> bound_ports() const;
  ResolverStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace picket::gateway::dns
