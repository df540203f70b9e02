#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "picket/controller/service.hpp"

namespace picket::controller::api {

// Handshake age and transfer per device public key, read from the interface
// for the device listings. One full read costs ~45 ms at 1,000 peers and
// ~0.35 s at 10,000 (wireguard-go's dump is most of it), so listings share a
// read for a few seconds (the web UI polls every 5 s). The figures live
// only in memory: never stored, never logged, endpoints dropped.
//
// In the daemon the reads run on a thread of their own with a second
// connection to the interface, so the API thread never waits for one: a
// listing gets the last figures at once and, when they are older than
// kMaxAge, starts the next read (only the very first listing waits for its
// read). Without a reader (unit tests) the read is
// inline through the Service.
class LiveStats {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kMaxAge = std::chrono::seconds(4);
  using ByKey = std::map<gateway::Key, gateway::PeerStats>;
  // A full read of the interface; called on LiveStats' thread only.
  using Reader = std::function<gateway::DeviceSnapshot()>;

  LiveStats() = default;
  ~LiveStats();
  LiveStats(const LiveStats&) = delete;
  LiveStats& operator=(const LiveStats&) = delete;

  // From now on reads run on LiveStats' own thread with `reader`.
  void read_in_background(Reader reader);

  // A device the interface does not hold (or an interface that cannot be
  // read) has no entry, and the listing shows zeros.
  const ByKey& get(Service& service, Clock::time_point now);

 private:
  void read_inline(Service& service, Clock::time_point now);
  void run_reads();

  ByKey by_key_;
  std::optional<Clock::time_point> read_at_;
  bool waited_for_first_read_ = false;

  // Shared with the reading thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  Reader reader_;
  std::optional<ByKey> fresh_;  // a finished read the API thread has not taken yet
  bool wanted_ = false;         // a read is asked for or running
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace picket::controller::api
