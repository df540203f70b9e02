// libFuzzer target for what the other end of a controller→gateway channel
// sends: message frames (either direction, through the follower and the
// leader as they are used) and enrolment tokens as pasted. The other end is
// not trusted: bad input must end in ProtocolError, never in a crash, a
// hang or unbounded memory, and what decodes must encode to the same thing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "picket/gateway/channel/enrolment.hpp"
#include "picket/gateway/channel/follower.hpp"
#include "picket/gateway/channel/leader.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;

namespace {

void check_round_trip(const Message& message) {
  MessageWriter writer;
  MessageReader reader(std::holds_alternative<StateMessage>(message) ||
                               std::holds_alternative<ChangeMessage>(message) ||
                               std::holds_alternative<StatsRequest>(message)
                           ? Sender::controller
                           : Sender::gateway);
  const std::string once = writer.write(message);
  MessageWriter again;
  if (again.write(reader.read(once)) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  for (const Sender from : {Sender::controller, Sender::gateway}) {
    try {
      MessageReader reader(from);
      check_round_trip(reader.read(frame));
    } catch (const ProtocolError&) {
    }
  }
  try {
    Follower follower(FollowerOptions{"gw-1", 3, kDefaultLease}, now);
    (void)follower.connect();
    const FollowerStep step = follower.receive(frame, now);
    if (step.action == FollowerStep::Action::apply_state ||
        step.action == FollowerStep::Action::apply_change)
      (void)follower.applied(step.version, std::chrono::milliseconds(1));
  } catch (const ProtocolError&) {
  }
  try {
    Leader leader(std::string("gw-1"));
    (void)leader.receive(frame, now);
    ChangeLog log(5);
    (void)leader.catch_up(
        log, [] { return GatewayState{}; }, now);
  } catch (const ProtocolError&) {
  }
  try {
    const EnrolmentToken token = EnrolmentToken::parse(frame);
    if (EnrolmentToken::parse(token.encode()).secret != token.secret) std::abort();
  } catch (const ProtocolError&) {
  }
  return 0;
}
