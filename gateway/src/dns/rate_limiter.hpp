#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

// Per-source token buckets: `per_second` answers a second, bursts up to
// twice that. Tunnel sources cannot be spoofed (WireGuard authenticates
// them), so a source over its budget is simply not answered. The table is
// memory only and bounded: when full it starts over.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxSources = 1 << 16;

  explicit RateLimiter(std::uint32_t per_second) : per_second_(per_second) {}
  bool allow(const IpAddress& source, Clock::time_point now);

 private:
  struct Key {
    std::array<std::uint8_t, 17> bytes;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Key& k) const;
  };
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  std::uint32_t per_second_;
  std::unordered_map<Key, Bucket, Hash> buckets_;
};

}  // namespace picket::gateway::dns
