#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "picket/gateway/channel/messages.hpp"

// The gateway's side of one channel, without I/O: frames in, what to do and
// frames out. The caller owns the GatewayNode and the connection.
namespace picket::gateway::channel {

// How long a gateway keeps serving without hearing from its controller.
// After that it drops every peer (fail closed): a gateway cut off from the
// controller cannot learn of a revocation, so it must not keep a revoked
// device connected.
inline constexpr std::chrono::seconds kDefaultLease{180};

struct FollowerStep {
  enum class Action {
    none,          // nothing to do (a pong, or a change while a resync is asked for)
    apply_state,   // apply `state` whole, then call Follower::applied / failed
    apply_change,  // apply `change`, then call Follower::applied / failed
    resync,        // send `reply`: the change did not follow what this gateway holds
    pong,          // send `reply`
    report_stats,  // send Follower::stats(stats_id, the node's live peers)
  };
  Action action = Action::none;
  std::uint64_t version = 0;  // of the state or change
  std::optional<GatewayState> state;
  std::optional<GatewayChange> change;
  std::optional<std::string> reply;  // a frame to send now
  std::uint64_t stats_id = 0;        // report_stats: the request's id
};

struct FollowerOptions {
  std::string name;                      // this gateway's name (is_gateway_name)
  std::optional<std::uint64_t> applied;  // what the node holds at start, if known
  std::chrono::milliseconds lease = kDefaultLease;
};

// Not thread-safe: one caller, which applies each step before it hands the
// follower the next frame.
class Follower {
 public:
  using Clock = std::chrono::steady_clock;

  // The lease runs from `now`. Throws ProtocolError for a bad name or a
  // lease that is not positive.
  Follower(FollowerOptions options, Clock::time_point now);

  // A new connection: sequence numbers start again both ways. Returns the
  // first frame to send: hello, or enrol with the token's secret.
  std::string connect(const std::optional<SecretKey>& enrolment_secret = std::nullopt);

  // Reads the controller's next frame and says what to do. Throws
  // ProtocolError for a frame that breaks the protocol (close the
  // connection); std::logic_error when the last state or change was
  // neither applied() nor failed().
  FollowerStep receive(std::string_view frame, Clock::time_point now);
  // The same for a message decoded already (sequence number checked).
  FollowerStep handle(Message message, Clock::time_point now);

  // The step's state or change is on the node; returns the frame to send.
  std::string applied(std::uint64_t version, std::chrono::milliseconds took);
  // Applying it threw: the node holds no known version any more, so the
  // controller will send the whole state. `error` is GatewayNode's message
  // (no key, no address); it is cut to kMaxErrorBytes.
  std::string failed(std::uint64_t version, std::chrono::milliseconds took, std::string_view error);

  // No controller message for the lease, and the node not yet closed:
  // apply fail_closed(last state) and call closed(). False again once
  // closed(), until the next controller message starts a lease again.
  bool expired(Clock::time_point now) const;
  // The node holds the fail-closed state, which is no controller version.
  void closed();

  std::string ping();
  // The answer to a stats request: the peers that have had a handshake.
  std::string stats(std::uint64_t id, std::vector<PeerLive> peers);
  std::optional<std::uint64_t> applied_version() const { return applied_; }
  std::optional<std::uint64_t> pending_version() const { return pending_; }
  const std::string& name() const { return options_.name; }

 private:
  FollowerOptions options_;
  std::optional<std::uint64_t> applied_;
  std::optional<std::uint64_t> pending_;  // handed out, not yet applied() or failed()
  bool resync_asked_ = false;
  bool closed_ = false;
  Clock::time_point last_heard_;
  MessageReader reader_{Sender::controller};
  MessageWriter writer_;
};

// What a gateway serves when its lease ran out: its key, port and addresses,
// no peers.
GatewayState fail_closed(GatewayState last);

}  // namespace picket::gateway::channel
