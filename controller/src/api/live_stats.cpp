#include "api/live_stats.hpp"

namespace picket::controller::api {

const std::unordered_map<std::int64_t, gateway::PeerStats>& LiveStats::get(Service& service,
                                                                           Clock::time_point now) {
  if (read_at_ && now - *read_at_ < kMaxAge) return by_device_;
  // Whether or not the read works, wait kMaxAge before the next: a listing
  // must not hammer an interface that is being recreated.
  read_at_ = now;
  by_device_.clear();
  try {
    for (auto& status : service.status())
      if (status.active) by_device_.emplace(status.device.id, status.stats);
  } catch (const std::exception&) {
    // The listing is still right about the desired state; the live figures
    // come back on a later read, and the drift loop reports the failure.
  }
  return by_device_;
}

}  // namespace picket::controller::api
