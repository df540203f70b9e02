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
// Every method is thread-safe.
//
// An interface, so that GatewayNode (and whoever links it, like the CLI's
// offline wipe) needs libunbound only where a resolver is made, and the
// node's zone handling can be tested without one.
class Resolver {
 public:
  virtual ~Resolver() = default;

  virtual LocalZone& local_zone() = 0;
  virtual void set_blocklist(Blocklist blocklist) = 0;
  virtual void set_block_answer(BlockAnswer answer) = 0;
  // Replaces libunbound's context (queries in flight get SERVFAIL) and
  // empties the packet cache. Throws Error on a bad configuration, keeping
  // the old upstream.
  virtual void set_upstream(const UpstreamConfig& upstream) = 0;
  // The ports actually bound, for tests that ask for port 0: UDP then TCP
  // for each listen address.
  virtual std::vector<std::uint16_t> bound_ports() const = 0;
  virtual ResolverStats stats() const = 0;
};

// Binds the sockets and starts the thread; throws Error (naming the
// address, never a member's) when a socket or libunbound cannot be set up.
std::unique_ptr<Resolver> make_resolver(ResolverConfig config);

}  // namespace picket::gateway::dns
