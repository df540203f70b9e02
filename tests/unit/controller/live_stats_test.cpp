// LiveStats in the daemon's way: reads on a thread of their own, so a
// listing never waits for one, except the very first.
#include "api/live_stats.hpp"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api_fixture.hpp"

using namespace picket;
using namespace picket::controller;
using api::LiveStats;
using picket::controller::test::ApiFixture;

namespace {

// A reader whose reads wait for the test to let them finish, each returning
// one peer with the handshake time it is given.
struct GatedReader {
  std::mutex mutex;
  std::condition_variable changed;
  int released = 0;  // reads allowed to finish
  int started = 0;
  int finished = 0;
  std::int64_t handshake = 0;
  bool fail = false;
  gateway::Key key = gateway::Key::from_base64("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");

  gateway::DeviceSnapshot read() {
    std::unique_lock lock(mutex);
    ++started;
    changed.notify_all();
    changed.wait(lock, [&] { return released >= started; });
    ++finished;
    changed.notify_all();
    if (fail) throw std::runtime_error("interface gone");
    gateway::PeerState peer;
    peer.config.public_key = key;
    peer.stats.last_handshake_unix = handshake;
    peer.stats.rx_bytes = 7;
    peer.stats.endpoint = "198.51.100.9:4444";
    return gateway::DeviceSnapshot{std::nullopt, 51820, {peer}};
  }
  void release() {
    std::lock_guard lock(mutex);
    ++released;
    changed.notify_all();
  }
  void wait_until_started(int count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return started >= count; });
  }
};

// The handshake time a listing at `when` shows, once the reading thread has
// handed over what `reader` returned last (a read ends just before then).
std::int64_t handshake_once_handed_over(LiveStats& live, Service& service,
                                        LiveStats::Clock::time_point when, std::int64_t expected,
                                        const gateway::Key& key) {
  std::int64_t seen = -1;
  for (int i = 0; i < 5000 && seen != expected; ++i) {
    const auto& figures = live.get(service, when);
    seen = figures.count(key) ? figures.at(key).last_handshake_unix : 0;
    if (seen != expected) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return seen;
}

}  // namespace

TEST_CASE("live stats: reads in the background never hold a listing up", "[api]") {
  ApiFixture f;
  GatedReader reader;
  reader.handshake = 1000;
  reader.release();  // the first read may finish
  LiveStats live;
  live.read_in_background([&] { return reader.read(); });
  auto t = LiveStats::Clock::time_point{} + std::chrono::hours(1);

  // The first listing waits for its read; the endpoint never gets out of it.
  const auto& first = live.get(*f.service, t);
  REQUIRE(first.count(reader.key) == 1);
  CHECK(first.at(reader.key).last_handshake_unix == 1000);
  CHECK(first.at(reader.key).rx_bytes == 7);
  CHECK_FALSE(first.at(reader.key).endpoint.has_value());

  // Within kMaxAge: no new read.
  live.get(*f.service, t + std::chrono::seconds(1));
  CHECK(reader.started == 1);

  // Stale: the next read starts, but the listing gets the last figures at
  // once while it runs (the read is held until released below).
  reader.handshake = 2000;
  CHECK(live.get(*f.service, t + LiveStats::kMaxAge).at(reader.key).last_handshake_unix == 1000);
  reader.wait_until_started(2);
  CHECK(live.get(*f.service, t + LiveStats::kMaxAge + std::chrono::seconds(1))
            .at(reader.key)
            .last_handshake_unix == 1000);
  CHECK(reader.started == 2);  // one read at a time
  reader.release();
  CHECK(handshake_once_handed_over(live, *f.service,
                                   t + LiveStats::kMaxAge + std::chrono::seconds(2), 2000,
                                   reader.key) == 2000);

  // A read that fails leaves no figures (the listing shows zeros), and the
  // API thread carries on.
  reader.fail = true;
  reader.release();
  live.get(*f.service, t + 3 * LiveStats::kMaxAge);
  CHECK(handshake_once_handed_over(live, *f.service, t + 3 * LiveStats::kMaxAge, 0, reader.key) ==
        0);
  CHECK(reader.started == 3);
}

TEST_CASE("live stats: a reader still running when the API closes is waited for", "[api]") {
  ApiFixture f;
  GatedReader reader;
  {
    LiveStats live;
    live.read_in_background([&] { return reader.read(); });
    reader.release();
    live.get(*f.service, LiveStats::Clock::now());
    reader.handshake = 5;
    live.get(*f.service, LiveStats::Clock::now() + LiveStats::kMaxAge);
    reader.wait_until_started(2);
    reader.release();
  }  // joins the reading thread; ASan would see a use after free otherwise
  CHECK(reader.finished == 2);
}
