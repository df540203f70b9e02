#include "picket/gateway/channel/follower.hpp"

#include <stdexcept>

namespace picket::gateway::channel {

namespace {

std::uint64_t whole_millis(std::chrono::milliseconds took) {
  return took.count() < 0 ? 0 : std::min<std::uint64_t>(took.count(), kMaxCounter);
}

// The reader on the other side refuses control characters and long text.
std::string printable(std::string_view error) {
  std::string out;
  for (const char c : error.substr(0, kMaxErrorBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
  // Cutting may split a UTF-8 sequence, which the JSON writer would refuse.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  if (out.empty()) out = "the gateway could not apply it (no reason given)";
  return out;
}

}  // namespace

Follower::Follower(FollowerOptions options, Clock::time_point now)
    : options_(std::move(options)), applied_(options_.applied), last_heard_(now) {
  if (!is_gateway_name(options_.name))
    throw ProtocolError(
        "gateway name must be 1 to 63 lowercase letters, digits and '-', not starting or ending "
        "with '-'");
  if (options_.lease <= std::chrono::milliseconds::zero())
    throw ProtocolError("the controller lease must be longer than zero");
}

std::string Follower::connect(const std::optional<SecretKey>& enrolment_secret) {
  reader_ = MessageReader(Sender::controller);
  writer_ = MessageWriter();
  pending_.reset();
  resync_asked_ = false;
  if (enrolment_secret) return writer_.write(Enrol{*enrolment_secret, options_.name});
  return writer_.write(Hello{options_.name, applied_});
}

FollowerStep Follower::receive(std::string_view frame, Clock::time_point now) {
  return handle(reader_.read(frame), now);
}

FollowerStep Follower::handle(Message message, Clock::time_point now) {
  const bool update = std::holds_alternative<StateMessage>(message) ||
                      std::holds_alternative<ChangeMessage>(message);
  if (update && pending_)
    throw std::logic_error("the follower was handed a new version before version " +
                           std::to_string(*pending_) + " was applied or failed");
  // Any frame from the controller proves it is there; the lease is about
  // hearing from it, not about changes (there may be none for hours).
  last_heard_ = now;
  closed_ = false;

  FollowerStep step;
  if (auto* state = std::get_if<StateMessage>(&message)) {
    step.action = FollowerStep::Action::apply_state;
    step.version = state->version;
    step.state = std::move(state->state);
  } else if (auto* change = std::get_if<ChangeMessage>(&message)) {
    if (!applied_ || *applied_ != change->version - 1) {
      // Applying a change to anything but its base would leave the node in a
      // state the controller never made. One request is enough: the changes
      // still in flight behind this one are skipped until the answer.
      if (!resync_asked_) {
        resync_asked_ = true;
        step.action = FollowerStep::Action::resync;
        step.reply = writer_.write(Resync{applied_});
      }
      return step;
    }
    step.action = FollowerStep::Action::apply_change;
    step.version = change->version;
    step.change = std::move(change->change);
  } else if (std::holds_alternative<Ping>(message)) {
    step.action = FollowerStep::Action::pong;
    step.reply = writer_.write(Pong{});
  } else if (const auto* request = std::get_if<StatsRequest>(&message)) {
    step.action = FollowerStep::Action::report_stats;
    step.stats_id = request->id;
  }
  if (update) pending_ = step.version;
  return step;
}

std::string Follower::applied(std::uint64_t version, std::chrono::milliseconds took) {
  if (pending_ != version)
    throw std::logic_error("applied() names version " + std::to_string(version) +
                           ", which the follower did not hand out");
  pending_.reset();
  applied_ = version;
  resync_asked_ = false;
  return writer_.write(Applied{version, whole_millis(took), std::nullopt});
}

std::string Follower::failed(std::uint64_t version, std::chrono::milliseconds took,
                             std::string_view error) {
  if (pending_ != version)
    throw std::logic_error("failed() names version " + std::to_string(version) +
                           ", which the follower did not hand out");
  pending_.reset();
  // A change that failed halfway leaves the node between versions.
  applied_.reset();
  // The controller answers a failure with the whole state; what is in
  // flight meanwhile asks for the same, once.
  resync_asked_ = true;
  return writer_.write(Applied{version, whole_millis(took), printable(error)});
}

bool Follower::expired(Clock::time_point now) const {
  return !closed_ && now - last_heard_ >= options_.lease;
}

void Follower::closed() {
  closed_ = true;
  applied_.reset();
}

std::string Follower::ping() {
  return writer_.write(Ping{});
}

std::string Follower::stats(std::uint64_t id, std::vector<PeerLive> peers) {
  return writer_.write(Stats{id, std::move(peers)});
}

GatewayState fail_closed(GatewayState last) {
  last.peers.clear();
  return last;
}

}  // namespace picket::gateway::channel
