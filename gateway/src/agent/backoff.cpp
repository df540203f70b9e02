#include "picket/gateway/agent/backoff.hpp"

#include <algorithm>

namespace picket::gateway::agent {

std::chrono::milliseconds backoff_delay(const Backoff& backoff, unsigned attempt, double random01) {
  const auto first = std::max<std::int64_t>(1, backoff.first.count());
  const auto cap = std::max<std::int64_t>(first, backoff.cap.count());
  std::int64_t full = first;
  // Doubling stops at the cap, so a long outage cannot overflow it.
  for (unsigned i = 0; i < attempt && full < cap; ++i) full = std::min(cap, full * 2);
  const double unit = std::clamp(random01, 0.0, 1.0);
  const auto jittered = static_cast<std::int64_t>(static_cast<double>(full) * (0.5 + unit / 2));
  return std::chrono::milliseconds(std::clamp<std::int64_t>(jittered, 1, cap));
}

}  // namespace picket::gateway::agent
