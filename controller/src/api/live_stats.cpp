#include "api/live_stats.hpp"

namespace picket::controller::api {

namespace {

constexpr auto kFirstReadWait = std::chrono::seconds(5);

// Only the counters: the snapshot's keys and members' endpoints go no further.
LiveStats::ByKey stats_of(gateway::DeviceSnapshot snapshot) {
  LiveStats::ByKey out;
  for (auto& peer : snapshot.peers) {
    peer.stats.endpoint.reset();
    out.emplace(peer.config.public_key, peer.stats);
  }
  return out;
}

}  // namespace

LiveStats::~LiveStats() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveStats::read_in_background(Reader reader) {
  std::lock_guard lock(mutex_);
  reader_ = std::move(reader);
  if (!thread_.joinable()) thread_ = std::thread([this] { run_reads(); });
}

const LiveStats::ByKey& LiveStats::get(Service& service, Clock::time_point now) {
  const bool due = !read_at_ || now - *read_at_ >= kMaxAge;
  if (!thread_.joinable()) {
    if (due) read_inline(service, now);
    return by_key_;
  }
  std::unique_lock lock(mutex_);
  if (due && !wanted_) {
    // Whether or not the read works, wait kMaxAge before the next: a listing
    // must not hammer an interface that is being recreated.
    read_at_ = now;
    wanted_ = true;
    wake_.notify_all();
  }
  // The first listing has nothing to show yet, so it waits for its read,
  // once and bounded: an interface that does not answer costs one wait, not
  // one per listing.
  if (!waited_for_first_read_) {
    waited_for_first_read_ = true;
    wake_.wait_for(lock, kFirstReadWait, [this] { return fresh_.has_value() || stopping_; });
  }
  if (fresh_) {
    by_key_ = std::move(*fresh_);
    fresh_.reset();
  }
  return by_key_;
}

void LiveStats::read_inline(Service& service, Clock::time_point now) {
  read_at_ = now;
  by_key_.clear();
  try {
    for (auto& status : service.status())
      if (status.active) by_key_.emplace(status.device.public_key, status.stats);
  } catch (const std::exception&) {
    // The listing is still right about the desired state; the live figures
    // come back on a later read, and the drift loop reports the failure.
  }
}

void LiveStats::run_reads() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    const auto reader = reader_;
    lock.unlock();
    ByKey read;
    try {
      read = stats_of(reader());
    } catch (const std::exception&) {
      // As inline: no figures until a later read works.
    }
    lock.lock();
    fresh_ = std::move(read);
    wanted_ = false;
    wake_.notify_all();
  }
}

}  // namespace picket::controller::api
