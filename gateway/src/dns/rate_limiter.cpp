#include "dns/rate_limiter.hpp"

#include <algorithm>
#include <cstring>

namespace picket::gateway::dns {

std::size_t RateLimiter::Hash::operator()(const Key& k) const {
  std::uint64_t a, b;
  std::memcpy(&a, k.bytes.data(), 8);
  std::memcpy(&b, k.bytes.data() + 8, 8);
  return std::hash<std::uint64_t>{}(a * 0x9e3779b97f4a7c15ULL ^ b ^ k.bytes[16]);
}

bool RateLimiter::allow(const IpAddress& source, Clock::time_point now) {
  if (per_second_ == 0) return true;
  Key key{};
  std::memcpy(key.bytes.data(), source.bytes.data(), 16);
  key.bytes[16] = static_cast<std::uint8_t>(source.family);
  const double burst = 2.0 * per_second_;
  if (buckets_.size() >= kMaxSources) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
  auto& bucket = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(burst, bucket.tokens + elapsed * per_second_);
    bucket.last = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace picket::gateway::dns
