#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "picket/gateway/dns/blocklist.hpp"
#include "picket/gateway/dns/local_zone.hpp"
#include "picket/gateway/dns/resolver_config.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

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
