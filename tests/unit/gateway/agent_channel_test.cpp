// picket-gateway's core against a controller in the same process: a real
// ChannelServer on 127.0.0.1 with a Leader per connection, and the agent's
// node on FakeBackend.
#include <catch2/catch.hpp>

#include "agent_fixtures.hpp"
#include "picket/gateway/channel/messages.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;
using channel::LeaderEvent;

namespace {

struct Setup {
  boost::asio::io_context io;
  FakeController controller{io};
  channel::Identity gateway_identity = channel::Identity::generate();

  Setup() { controller.known[gateway_identity.pin()] = "gw-1"; }

  std::unique_ptr<TestGateway> gateway(std::chrono::milliseconds lease = channel::kDefaultLease) {
    return std::make_unique<TestGateway>(io, known_to(controller), gateway_identity, lease);
  }
};

}  // namespace

TEST_CASE("agent: the whole state is applied and acknowledged", "[agent]") {
  Setup s;
  auto gw = s.gateway();
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  const auto* hello = s.controller.last(LeaderEvent::Kind::hello);
  REQUIRE(hello != nullptr);
  CHECK(hello->name == "gw-1");
  CHECK_FALSE(hello->version.has_value());  // nothing on disk, nothing in memory yet
  CHECK(gw->peer_keys() == keys_of(s.controller.state.peers));
  CHECK(gw->fake->state().listen_port == s.controller.state.listen_port);
  CHECK(gw->fake->link() == s.controller.state.link);
  CHECK(gw->agent->applied_version() == 1u);
  CHECK(gw->agent->nodes_built() == 1);
  const auto* applied = s.controller.last(LeaderEvent::Kind::applied);
  CHECK(applied->delivery->gateway_millis.has_value());
  CHECK(gw->lines_with("applied state version 1: 3 peers") == 1);
  gw->check_logs_clean(s.controller.state);
}

TEST_CASE("agent: a change is applied and acknowledged with its version", "[agent]") {
  Setup s;
  auto gw = s.gateway();
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  const GatewayState before = s.controller.state;

  GatewayChange change;
  change.remove = {channel_peer(0).wireguard.public_key};
  change.put = {channel_peer(7), channel_peer(8)};
  const auto version = s.controller.push(change);
  CHECK(version == 2);
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(2); }));
  CHECK(gw->peer_keys() == keys_of(s.controller.state.peers));
  CHECK(gw->peer_keys().size() == 4);
  CHECK(gw->agent->applied_version() == 2u);
  CHECK(s.controller.last(LeaderEvent::Kind::applied)->delivery->round_trip().has_value());
  // A change, not the whole state again.
  CHECK(gw->lines_with("applied change version 2") == 1);
  CHECK(s.controller.count(LeaderEvent::Kind::failed) == 0);
  gw->check_logs_clean(before);
  gw->check_logs_clean(s.controller.state);
}

TEST_CASE("agent: a change that skips a version asks for a resync and gets the state", "[agent]") {
  Setup s;
  s.controller.raw = true;
  auto gw = s.gateway();
  channel::MessageReader reader(channel::Sender::gateway);
  channel::MessageWriter writer;
  std::vector<channel::Message> got;
  const auto read_all = [&] {
    while (got.size() < s.controller.raw_frames.size())
      got.push_back(reader.read(s.controller.raw_frames[got.size()]));
    return got.size();
  };
  REQUIRE(run_until(s.io, [&] { return read_all() >= 1; }));
  REQUIRE(std::holds_alternative<channel::Hello>(got[0]));

  GatewayState five = agent_state(0, 2);
  s.controller.send_raw(writer.write(channel::StateMessage{5, five}));
  REQUIRE(run_until(s.io, [&] { return read_all() >= 2; }));
  REQUIRE(std::get<channel::Applied>(got[1]).version == 5);
  CHECK_FALSE(std::get<channel::Applied>(got[1]).error.has_value());

  // Version 6 never arrives; 7 is built on it.
  GatewayChange seven;
  seven.put = {channel_peer(6)};
  s.controller.send_raw(writer.write(channel::ChangeMessage{7, seven}));
  REQUIRE(run_until(s.io, [&] { return read_all() >= 3; }));
  const auto* resync = std::get_if<channel::Resync>(&got[2]);
  REQUIRE(resync != nullptr);
  CHECK(resync->applied == 5u);
  CHECK(gw->peer_keys() == keys_of(five.peers));  // the change was not applied

  GatewayState whole = agent_state(0, 2);
  whole.peers.push_back(channel_peer(5));
  whole.peers.push_back(channel_peer(6));
  s.controller.send_raw(writer.write(channel::StateMessage{7, whole}));
  REQUIRE(run_until(s.io, [&] { return read_all() >= 4; }));
  CHECK(std::get<channel::Applied>(got[3]).version == 7);
  CHECK(gw->peer_keys() == keys_of(whole.peers));

  // And changes that follow are applied again.
  GatewayChange eight;
  eight.remove = {channel_peer(5).wireguard.public_key};
  s.controller.send_raw(writer.write(channel::ChangeMessage{8, eight}));
  REQUIRE(run_until(s.io, [&] { return read_all() >= 5; }));
  CHECK(std::get<channel::Applied>(got[4]).version == 8);
  CHECK(gw->peer_keys().size() == 3);
  gw->check_logs_clean(whole);
}

TEST_CASE("agent: a lease that runs out drops every peer until the controller is back", "[agent]") {
  Setup s;
  auto gw = s.gateway(1s);
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  REQUIRE(gw->peer_keys().size() == 3);
  // While the controller answers, pings keep the lease alive past its end.
  run_for(s.io, 1500ms);
  CHECK(gw->peer_keys().size() == 3);
  CHECK_FALSE(gw->agent->failed_closed());

  s.controller.go_down();
  REQUIRE(run_until(
      s.io, [&] { return gw->agent->failed_closed(); }, 5s));
  CHECK(gw->peer_keys().empty());
  // The interface stays: its key, port and addresses, no peer.
  CHECK(gw->fake->interface_exists());
  CHECK(gw->fake->state().listen_port == s.controller.state.listen_port);
  const std::string expired =
      "lease expired: no word from the controller for 1 s; every peer dropped (fail closed) until "
      "it is back";
  CHECK(gw->lines_with(expired) == 1);
  run_for(s.io, 1500ms);  // still down: said once
  CHECK(gw->lines_with(expired) == 1);
  CHECK(gw->peer_keys().empty());

  const auto hellos = s.controller.count(LeaderEvent::Kind::hello);
  s.controller.down = false;
  REQUIRE(run_until(s.io, [&] { return gw->peer_keys().size() == 3; }));
  REQUIRE(s.controller.count(LeaderEvent::Kind::hello) == hellos + 1);
  // It holds no version it can vouch for: the controller sends the whole state.
  CHECK_FALSE(s.controller.last(LeaderEvent::Kind::hello)->version.has_value());
  CHECK(s.controller.acknowledged(1));
  CHECK_FALSE(gw->agent->failed_closed());
  CHECK(gw->lines_with("the controller is back") == 1);
  CHECK(gw->agent->nodes_built() == 1);  // the same node throughout
  gw->check_logs_clean(s.controller.state);
}

TEST_CASE("agent: a controller that takes the connection but never answers is dialed again",
          "[agent]") {
  Setup s;
  auto gw = s.gateway(1s);
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  s.controller.deaf = true;
  REQUIRE(run_until(
      s.io, [&] { return gw->agent->failed_closed(); }, 5s));
  CHECK(gw->peer_keys().empty());
  const auto opened = s.controller.opened;
  // Its hello went unanswered too: after another lease it dials again.
  REQUIRE(run_until(
      s.io, [&] { return s.controller.opened >= opened + 1; }, 5s));
  CHECK(gw->lines_with("no answer from the controller on this connection for 1 s") >= 1);
  s.controller.deaf = false;
  REQUIRE(run_until(
      s.io, [&] { return gw->peer_keys().size() == 3; }, 5s));
  CHECK_FALSE(gw->agent->failed_closed());
}

TEST_CASE("agent: a dropped connection resumes with hello holding the version", "[agent]") {
  Setup s;
  auto gw = s.gateway();
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  const auto opened = s.controller.opened;
  s.controller.go_down();
  s.controller.down = false;
  GatewayChange change;
  change.put = {channel_peer(9)};
  s.controller.push(change);  // made while the gateway was away
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(2); }));
  CHECK(s.controller.opened == opened + 1);
  const auto* hello = s.controller.last(LeaderEvent::Kind::hello);
  CHECK(hello->version == 1u);  // memory, not disk: the node still holds it
  CHECK(gw->lines_with("applied change version 2") == 1);
  CHECK(gw->peer_keys() == keys_of(s.controller.state.peers));
}

TEST_CASE("agent: a restarted agent with an empty memory gets everything back", "[agent]") {
  Setup s;
  auto first = s.gateway();
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  GatewayChange change;
  change.put = {channel_peer(4)};
  s.controller.push(change);
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(2); }));
  first.reset();  // the process died; nothing of it is left

  const auto hellos = s.controller.count(LeaderEvent::Kind::hello);
  auto second = s.gateway();
  REQUIRE(run_until(s.io, [&] { return second->peer_keys().size() == 4; }));
  REQUIRE(s.controller.count(LeaderEvent::Kind::hello) == hellos + 1);
  CHECK_FALSE(s.controller.last(LeaderEvent::Kind::hello)->version.has_value());
  REQUIRE(run_until(s.io, [&] { return second->agent->applied_version() == 2u; }));
  CHECK(second->peer_keys() == keys_of(s.controller.state.peers));
  CHECK(second->lines_with("applied state version 2: 4 peers") == 1);
}

TEST_CASE("agent: a controller with another key pin is never listened to", "[agent]") {
  Setup s;
  auto file = known_to(s.controller);
  const auto wrong = channel::Identity::generate().pin();
  file.pin = wrong;
  TestGateway gw(s.io, file, s.gateway_identity);
  REQUIRE(run_until(s.io, [&] {
    return gw.lines_with("not the pinned " + wrong) >= 2 && gw.lines_with("dialing again") >= 2;
  }));
  CHECK(gw.agent->nodes_built() == 0);
  CHECK(gw.fake == nullptr);
  CHECK_FALSE(gw.agent->applied_version().has_value());
  CHECK(s.controller.events.empty());
}

TEST_CASE("agent: stop takes the peers and the interface down", "[agent]") {
  Setup s;
  auto gw = s.gateway();
  REQUIRE(run_until(s.io, [&] { return s.controller.acknowledged(1); }));
  gw->agent->stop();
  CHECK_FALSE(gw->fake->interface_exists());
  CHECK(gw->fake->state().peers.empty());
  run_for(s.io, 200ms);
  CHECK_FALSE(gw->agent->connected());
  CHECK(s.controller.connections() == 0);
}
