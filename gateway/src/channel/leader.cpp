#include "picket/gateway/channel/leader.hpp"

#include <algorithm>

namespace picket::gateway::channel {

ChangeLog::ChangeLog(std::uint64_t version, std::size_t capacity)
    : version_(version), capacity_(capacity) {
  if (capacity_ == 0) throw ProtocolError("the change log must hold at least one change");
  if (version_ > kMaxCounter) throw ProtocolError("version is beyond 2^53 - 1");
}

std::uint64_t ChangeLog::append(GatewayChange change) {
  if (version_ >= kMaxCounter) throw ProtocolError("version is beyond 2^53 - 1");
  entries_.emplace_back(++version_, std::move(change));
  if (entries_.size() > capacity_) entries_.pop_front();
  return version_;
}

void ChangeLog::reset(std::uint64_t version) {
  if (version > kMaxCounter) throw ProtocolError("version is beyond 2^53 - 1");
  entries_.clear();
  version_ = version;
}

std::optional<std::vector<ChangeLog::Entry>> ChangeLog::since(std::uint64_t applied) const {
  if (applied > version_) return std::nullopt;
  if (applied == version_) return std::vector<Entry>{};
  // The log holds consecutive versions ending at version_.
  if (entries_.empty() || entries_.front().first > applied + 1) return std::nullopt;
  std::vector<Entry> out;
  for (const auto& [version, change] : entries_)
    if (version > applied) out.emplace_back(version, &change);
  return out;
}

std::optional<std::chrono::milliseconds> Delivery::round_trip() const {
  if (!answered_at) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*answered_at - sent_at);
}

Leader::Leader(std::optional<std::string> expected_name, std::size_t delivery_history)
    : expected_name_(std::move(expected_name)),
      history_(std::max<std::size_t>(1, delivery_history)) {
  if (expected_name_) name_ = *expected_name_;
}

LeaderEvent Leader::receive(std::string_view frame, Clock::time_point now) {
  Message message = reader_.read(frame);
  last_heard_ = now;
  const bool opening =
      std::holds_alternative<Hello>(message) || std::holds_alternative<Enrol>(message);
  if (opening == greeted_)
    throw ProtocolError(greeted_ ? "the gateway sent a second " + std::string(type_name(message))
                                 : "the gateway's first message must be hello or enrol, not " +
                                       std::string(type_name(message)));

  LeaderEvent event;
  if (auto* hello = std::get_if<Hello>(&message)) {
    if (!expected_name_)
      throw ProtocolError("a gateway whose key is not enrolled must send enrol, not hello");
    if (hello->name != *expected_name_)
      throw ProtocolError("the gateway calls itself '" + hello->name +
                          "' but its key belongs to '" + *expected_name_ + "'");
    event.kind = LeaderEvent::Kind::hello;
    event.name = hello->name;
    event.version = hello->applied;
    applied_ = sent_ = hello->applied;
  } else if (auto* enrol = std::get_if<Enrol>(&message)) {
    if (expected_name_)
      throw ProtocolError("gateway '" + *expected_name_ +
                          "' is enrolled already; it must send hello");
    event.kind = LeaderEvent::Kind::enrol;
    event.name = name_ = enrol->name;
    event.secret = std::move(enrol->secret);
    applied_ = sent_ = std::nullopt;
  } else if (auto* applied = std::get_if<Applied>(&message)) {
    Delivery* delivery = answer(applied->version);
    if (delivery == nullptr)
      throw ProtocolError("the gateway answers for version " + std::to_string(applied->version) +
                          ", which is not waiting for an answer on this connection");
    delivery->answered_at = now;
    delivery->gateway_millis = applied->millis;
    delivery->error = applied->error;
    event.version = applied->version;
    event.delivery = *delivery;
    if (applied->error) {
      event.kind = LeaderEvent::Kind::failed;
      event.error = applied->error;
      // Halfway through a change the gateway holds no version: only a
      // whole state brings it back, and it passes over every change
      // until then.
      applied_ = sent_ = std::nullopt;
      skip_changes();
    } else {
      event.kind = LeaderEvent::Kind::applied;
      applied_ = applied->version;
    }
  } else if (auto* resync = std::get_if<Resync>(&message)) {
    event.kind = LeaderEvent::Kind::resync;
    event.version = resync->applied;
    // A whole state still on its way answers the request already (the
    // gateway asked before it arrived); sending another would double the
    // largest message there is.
    const bool whole_coming =
        std::any_of(deliveries_.begin(), deliveries_.end(),
                    [](const Delivery& d) { return d.whole && d.outstanding(); });
    if (!whole_coming) {
      applied_ = sent_ = resync->applied;
      // The gateway passes over the changes in flight; what it misses is
      // sent again.
      skip_changes();
    }
  } else if (std::holds_alternative<Ping>(message)) {
    event.kind = LeaderEvent::Kind::ping;
    event.reply = writer_.write(Pong{});
  } else if (auto* stats = std::get_if<Stats>(&message)) {
    // Only what was asked, each answer once: a gateway cannot fill the
    // controller's memory with figures nobody wanted.
    if (stats->id > stats_asked_ || stats->id <= stats_answered_)
      throw ProtocolError("the gateway sent figures for request " + std::to_string(stats->id) +
                          ", which was not asked on this connection or was answered already");
    stats_answered_ = stats->id;
    event.kind = LeaderEvent::Kind::stats;
    event.stats = std::move(*stats);
  } else {
    event.kind = LeaderEvent::Kind::pong;
  }
  greeted_ = true;
  return event;
}

LeaderPlan Leader::plan(const ChangeLog& log) const {
  LeaderPlan plan;
  if (!greeted_ || sent_ == log.version()) return plan;
  if (sent_) {
    if (auto changes = log.since(*sent_)) {
      plan.kind = LeaderPlan::Kind::changes;
      plan.changes = std::move(*changes);
      return plan;
    }
  }
  plan.kind = LeaderPlan::Kind::whole_state;
  return plan;
}

std::vector<std::string> Leader::catch_up(
    const ChangeLog& log, const std::function<GatewayState()>& whole_state, Clock::time_point now,
    const std::function<GatewayChange(const GatewayChange&)>& for_this_gateway) {
  const LeaderPlan next = plan(log);
  std::vector<std::string> frames;
  if (next.kind == LeaderPlan::Kind::whole_state) {
    frames.push_back(writer_.write(StateMessage{log.version(), whole_state()}));
    record(log.version(), /*whole=*/true, now);
  } else {
    for (const auto& [version, change] : next.changes) {
      frames.push_back(writer_.write(
          ChangeMessage{version, for_this_gateway ? for_this_gateway(*change) : *change}));
      record(version, /*whole=*/false, now);
    }
  }
  if (next.kind != LeaderPlan::Kind::nothing) sent_ = log.version();
  return frames;
}

std::string Leader::ping() {
  return writer_.write(Ping{});
}

std::string Leader::ask_stats(std::uint64_t id) {
  if (id <= stats_asked_)
    throw std::logic_error("stats request ids must grow (" + std::to_string(id) + " after " +
                           std::to_string(stats_asked_) + ")");
  stats_asked_ = id;
  return writer_.write(StatsRequest{id});
}

std::vector<std::uint64_t> Leader::outstanding() const {
  std::vector<std::uint64_t> out;
  for (const Delivery& delivery : deliveries_)
    if (delivery.outstanding()) out.push_back(delivery.version);
  return out;
}

const Delivery* Leader::delivery(std::uint64_t version) const {
  // The newest first: after a resync a version can be sent again.
  for (auto it = deliveries_.rbegin(); it != deliveries_.rend(); ++it)
    if (it->version == version) return &*it;
  return nullptr;
}

Delivery* Leader::answer(std::uint64_t version) {
  // The gateway reads in order, so an answer is for the oldest outstanding
  // delivery of that version, and whatever was sent before it and is still
  // outstanding was passed over.
  const auto it = std::find_if(deliveries_.begin(), deliveries_.end(), [&](const Delivery& d) {
    return d.version == version && d.outstanding();
  });
  if (it == deliveries_.end()) {
    // A change in flight during a resync that did fit what the gateway
    // held: it was applied after all.
    const auto late = std::find_if(
        deliveries_.rbegin(), deliveries_.rend(),
        [&](const Delivery& d) { return d.version == version && d.skipped && !d.answered_at; });
    if (late == deliveries_.rend()) return nullptr;
    late->skipped = false;
    return &*late;
  }
  for (auto before = deliveries_.begin(); before != it; ++before)
    if (before->outstanding()) before->skipped = true;
  return &*it;
}

void Leader::skip_changes() {
  for (Delivery& delivery : deliveries_)
    if (!delivery.whole && delivery.outstanding()) delivery.skipped = true;
}

void Leader::record(std::uint64_t version, bool whole, Clock::time_point now) {
  deliveries_.push_back(Delivery{version, whole, now, std::nullopt, std::nullopt, std::nullopt});
  // A gateway this far behind in answering is refused its late answers
  // (ProtocolError), which ends the connection and starts over whole.
  if (deliveries_.size() > history_) deliveries_.pop_front();
}

}  // namespace picket::gateway::channel
