#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "picket/gateway/channel/messages.hpp"

// The controller's side of one gateway connection, without I/O, and the
// log of recent changes that all connections share.
namespace picket::gateway::channel {

inline constexpr std::size_t kDefaultLogCapacity = 1024;
inline constexpr std::size_t kDefaultDeliveryHistory = 1024;

// The controller's recent changes, each numbered by the version it leads
// to. A gateway that missed no more than the log holds gets just those
// changes; one further behind gets the whole state. Not thread-safe.
class ChangeLog {
 public:
  using Entry = std::pair<std::uint64_t, const GatewayChange*>;

  // `version` is the controller's current version (persisted by the
  // caller); the log starts empty. Throws ProtocolError for a capacity of 0.
  explicit ChangeLog(std::uint64_t version = 0, std::size_t capacity = kDefaultLogCapacity);

  std::uint64_t version() const { return version_; }
  // Records the change from version() to version() + 1; returns the new
  // version. The oldest change is dropped beyond the capacity.
  std::uint64_t append(GatewayChange change);
  // The state was replaced wholesale (a restore, a rebuild): no change
  // before `version` may be replayed on top of it.
  void reset(std::uint64_t version);
  // The changes after `applied` up to version(), oldest first, or nullopt
  // when the log no longer holds them all or `applied` is ahead of it. The
  // pointers live until the next append() or reset().
  std::optional<std::vector<Entry>> since(std::uint64_t applied) const;

 private:
  std::uint64_t version_;
  std::size_t capacity_;
  std::deque<std::pair<std::uint64_t, GatewayChange>> entries_;
};

// One version sent to the gateway and what became of it.
struct Delivery {
  using Clock = std::chrono::steady_clock;
  std::uint64_t version = 0;
  bool whole = false;  // a whole state, else a change
  Clock::time_point sent_at;
  std::optional<Clock::time_point> answered_at;
  std::optional<std::uint64_t> gateway_millis;  // what the gateway says applying took
  std::optional<std::string> error;             // the gateway could not apply it
  // Never answered: the gateway passed it over while it waited for a resync
  // or a whole state (known once a later delivery is answered).
  bool skipped = false;

  bool outstanding() const { return !answered_at && !skipped; }
  // From sending to the acknowledgement: "applied on the gateway in N ms".
  std::optional<std::chrono::milliseconds> round_trip() const;
};

struct LeaderEvent {
  enum class Kind { hello, enrol, applied, failed, resync, ping, pong, stats };
  Kind kind = Kind::pong;
  std::optional<std::uint64_t>
      version;                       // hello/resync: what the gateway holds; applied/failed: which
  std::string name;                  // hello, enrol
  std::optional<SecretKey> secret;   // enrol: check it (EnrolmentBook) before anything else
  std::optional<std::string> error;  // failed
  std::optional<Delivery> delivery;  // applied, failed: the delivery as now answered
  std::optional<std::string> reply;  // a frame to send now (pong)
  std::optional<Stats> stats;        // stats: the gateway's live figures
};

// What catch_up sends.
struct LeaderPlan {
  enum class Kind { nothing, changes, whole_state };
  Kind kind = Kind::nothing;
  std::vector<ChangeLog::Entry> changes;
};

// Not thread-safe: one per connection, on the connection's thread.
class Leader {
 public:
  using Clock = std::chrono::steady_clock;

  // `expected_name`: the name the connection's key pin belongs to; the
  // first frame must be a hello with it. Nullopt: a key not yet enrolled;
  // the first frame must be an enrol.
  explicit Leader(std::optional<std::string> expected_name,
                  std::size_t delivery_history = kDefaultDeliveryHistory);

  // Reads the gateway's next frame. Throws ProtocolError for a frame that
  // breaks the protocol, comes in the wrong order (anything before hello,
  // a second hello) or acknowledges a version not sent on this
  // connection: close the connection then.
  LeaderEvent receive(std::string_view frame, Clock::time_point now);

  // What brings the gateway to log.version(): nothing when it is there or
  // on its way, else the changes it misses when the log still holds them,
  // else the whole state. Nothing before the first frame was read.
  LeaderPlan plan(const ChangeLog& log) const;
  // plan() as frames, recorded as deliveries. `whole_state` must give the
  // state at log.version(); it is called only when the plan needs it. Each
  // change is sent as `for_this_gateway` makes it (when set): what this
  // gateway is to apply of it (state_change.hpp's for_host).
  std::vector<std::string> catch_up(
      const ChangeLog& log, const std::function<GatewayState()>& whole_state, Clock::time_point now,
      const std::function<GatewayChange(const GatewayChange&)>& for_this_gateway = {});

  std::string ping();
  // Asks for the peers' live figures; the answer comes as a stats event
  // with this id. Ids must grow from one request to the next.
  std::string ask_stats(std::uint64_t id);

  bool greeted() const { return greeted_; }
  const std::string& name() const { return name_; }
  // The last version the gateway acknowledged on this connection (or said
  // in its hello it holds).
  std::optional<std::uint64_t> applied_version() const { return applied_; }
  // What it will hold once everything sent is applied.
  std::optional<std::uint64_t> sent_version() const { return sent_; }
  std::vector<std::uint64_t> outstanding() const;
  // A delivery still in the history, by version.
  const Delivery* delivery(std::uint64_t version) const;
  const std::deque<Delivery>& deliveries() const { return deliveries_; }
  Clock::time_point last_heard() const { return last_heard_; }

 private:
  Delivery* answer(std::uint64_t version);
  void skip_changes();
  void record(std::uint64_t version, bool whole, Clock::time_point now);

  std::optional<std::string> expected_name_;
  std::size_t history_;
  std::string name_;
  bool greeted_ = false;
  std::optional<std::uint64_t> applied_;
  std::optional<std::uint64_t> sent_;
  std::deque<Delivery> deliveries_;
  Clock::time_point last_heard_{};
  std::uint64_t stats_asked_ = 0;     // the last request's id
  std::uint64_t stats_answered_ = 0;  // the last answer's id
  MessageReader reader_{Sender::gateway};
  MessageWriter writer_;
};

}  // namespace picket::gateway::channel
