#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
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
class Engine {
 public:
  static constexpr std::size_t kMaxInFlight = 10000;
  static constexpr std::size_t kMaxWaitersPerLookup = 256;

  Engine(boost::asio::io_context& io, const ResolverConfig& config);

  // False: the source is outside the tunnel subnets; it gets nothing.
  bool allowed(const IpAddress& source);
  // False: over its rate; it gets nothing this time.
  bool within_rate(const IpAddress& source);
  // Calls `reply` once with the answer (now or later), or never when the
  // packet is dropped. `source` decides which local names it may see.
  void handle(std::span<const std::uint8_t> packet, Transport transport, const IpAddress& source,
              Reply reply);

  LocalZone& zone() { return zone_; }
  void set_blocklist(Blocklist blocklist) { blocklist_ = std::move(blocklist); }
  void set_block_answer(BlockAnswer answer) { block_answer_ = answer; }
  void set_upstream(const UpstreamConfig& config);
  ResolverStats stats() const;
  void shutdown() { upstream_.reset(); }

 private:
  struct Waiter {
    Query query;
    Transport transport;
    Reply reply;
  };
  void send(const Query& query, Transport transport, const Reply& reply, Bytes answer);
  void ask_upstream(const std::string& key, Waiter waiter);
  void finish(const std::string& key, Upstream::Answer answer);

  boost::asio::io_context& io_;
  std::vector<Cidr> allowed_;
  RateLimiter limiter_;
  LocalZone zone_;
  Blocklist blocklist_;
  BlockAnswer block_answer_;
  PacketCache cache_;
  std::unordered_map<std::string, std::vector<Waiter>> in_flight_;
  std::unique_ptr<Upstream> upstream_;

  struct Counters {
    std::atomic<std::uint64_t> queries{0}, cache_hits{0}, local{0}, blocked{0}, upstream{0},
        refused_sources{0}, rate_limited{0}, malformed{0};
  } counters_;
};

}  // namespace picket::gateway::dns
