#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "picket/controller/service.hpp"

namespace picket::controller::api {

// Handshake age and transfer per device, read from the interface for the
// device listings. One full read costs ~0.4 s at 10,000 peers, so listings
// share a read for a few seconds (the web UI polls every 5 s). The figures
// live only in this map: never stored, never logged, endpoints dropped.
class LiveStats {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kMaxAge = std::chrono::seconds(4);

  // Device id -> its stats; a device the interface does not hold (or an
  // interface that cannot be read) has none, and the listing shows zeros.
  const std::unordered_map<std::int64_t, gateway::PeerStats>& get(Service& service,
                                                                  Clock::time_point now);

 private:
  std::unordered_map<std::int64_t, gateway::PeerStats> by_device_;
  std::optional<Clock::time_point> read_at_;
};

}  // namespace picket::controller::api
