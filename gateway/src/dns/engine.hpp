#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/packet_cache.hpp"
#include "dns/rate_limiter.hpp"
#include "dns/upstream.hpp"
#include "dns/wire.hpp"
#include "picket/gateway/dns/resolver.hpp"

namespace picket::gateway::dns {

enum class Transport { udp, tcp };
using Reply = std::function<void(Bytes)>;

// What happens to one query, whatever socket it came on: admission (tunnel
// source, rate), parsing, local zone, blocklist, cache, and libunbound for
// misses, with identical misses in flight sharing one upstream lookup.
// Runs on the resolver's thread; only the local zone is shared.
//
// Upstream work is bounded so that one source cannot starve the others:
// queries waiting for upstream, per source and in all, and the time a
// lookup may take. A query over a bound is dropped unanswered (as unbound
// does when its request list is full; the client retries); a lookup past
// its time answers SERVFAIL and is cancelled in libunbound, which frees
// every slot it held.
class Engine {
 public:
  static constexpr std::size_t kMaxWaiting = 4096;         // queries waiting for upstream
  static constexpr std::size_t kMaxWaitingPerSource = 64;  // of them, from one address
  static constexpr std::size_t kMaxWaitersPerLookup = 256;
  static constexpr std::chrono::seconds kLookupTimeout{10};

  Engine(boost::asio::io_context& io, const ResolverConfig& config);

  // False: the source is outside the tunnel subnets; it gets nothing.
  bool allowed(const IpAddress& source);
  // False: over its rate; it gets nothing this time.
  bool within_rate(const IpAddress& source);
  // Calls `reply` once with the answer (now or later), or never when the
  // packet is dropped. `source` decides which local names it sees and whose
  // upstream budget it uses.
  void handle(std::span<const std::uint8_t> packet, Transport transport, const IpAddress& source,
              Reply reply);

  LocalZone& zone() { return zone_; }
  void set_blocklist(Blocklist blocklist) { blocklist_ = std::move(blocklist); }
  void set_block_answer(BlockAnswer answer) { block_answer_ = answer; }
  void set_upstream(const UpstreamConfig& config);
  ResolverStats stats() const;
  void shutdown();

 private:
  struct Waiter {
    Query query;
    Transport transport;
    IpAddress source;
    Reply reply;
  };
  struct Lookup {
    std::uint64_t serial = 0;
    Upstream::Id id = 0;
    std::vector<Waiter> waiters;
  };
  void send(const Query& query, Transport transport, const Reply& reply, Bytes answer);
  void ask_upstream(const std::string& key, Waiter waiter);
  void finish(const std::string& key, std::uint64_t serial, Upstream::Answer answer);
  void release(const std::vector<Waiter>& waiters);
  void arm_expiry();
  void expire(Clock::time_point now);

  boost::asio::io_context& io_;
  std::vector<Cidr> allowed_;
  RateLimiter limiter_;
  LocalZone zone_;
  Blocklist blocklist_;
  BlockAnswer block_answer_;
  PacketCache cache_;
  std::unordered_map<std::string, Lookup> in_flight_;
  // Lookups in the order they started, which is the order they time out.
  std::deque<std::tuple<Clock::time_point, std::string, std::uint64_t>> deadlines_;
  std::uint64_t next_serial_ = 1;
  std::size_t waiting_ = 0;
  std::map<IpAddress, std::size_t> waiting_by_source_;
  boost::asio::steady_timer expiry_timer_;
  bool expiry_armed_ = false;
  std::unique_ptr<Upstream> upstream_;

  struct Counters {
    std::atomic<std::uint64_t> queries{0}, cache_hits{0}, local{0}, blocked{0}, upstream{0},
        refused_sources{0}, rate_limited{0}, malformed{0}, upstream_dropped{0},
        upstream_timeouts{0};
  } counters_;
};

}  // namespace picket::gateway::dns
