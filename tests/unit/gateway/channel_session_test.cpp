// Follower (gateway) and Leader (controller) against each other and against
// hand-made frames, with a clock the tests move.
#include <catch2/catch.hpp>

#include "channel_fixtures.hpp"
#include "picket/gateway/channel/follower.hpp"
#include "picket/gateway/channel/leader.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;
using namespace std::chrono_literals;
using picket::gateway::test::channel_change;
using picket::gateway::test::channel_state;
using picket::gateway::test::test_secret;
using Action = FollowerStep::Action;
using Clock = std::chrono::steady_clock;

namespace {

const Clock::time_point t0 = Clock::time_point(1h);

Follower follower(std::optional<std::uint64_t> applied = std::nullopt,
                  std::chrono::milliseconds lease = kDefaultLease) {
  return Follower(FollowerOptions{"gw-1", applied, lease}, t0);
}

// The controller's frames for a gateway, in order, so a test can feed them.
struct ControllerFrames {
  MessageWriter writer;
  std::string state(std::uint64_t version) {
    return writer.write(StateMessage{version, channel_state(1)});
  }
  std::string change(std::uint64_t version) {
    return writer.write(ChangeMessage{version, channel_change(version)});
  }
  std::string ping() { return writer.write(Ping{}); }
};

// Runs frames from the leader through the follower, applying every step
// (as a gateway would), and the follower's answers back through the leader.
struct Pair {
  Leader leader{std::string("gw-1")};
  Follower gateway;
  std::size_t states = 0, changes = 0;
  std::optional<std::uint64_t> fail_version;  // the gateway's node throws on this one

  explicit Pair(std::optional<std::uint64_t> applied) : gateway(follower(applied)) {
    (void)leader.receive(gateway.connect(), t0);
  }

  void deliver(const std::vector<std::string>& frames, Clock::time_point now) {
    std::vector<std::string> answers;
    for (const std::string& frame : frames) {
      FollowerStep step = gateway.receive(frame, now);
      if (step.reply) answers.push_back(*step.reply);
      if (step.action == Action::apply_state || step.action == Action::apply_change) {
        (step.action == Action::apply_state ? states : changes) += 1;
        if (fail_version == step.version) {
          answers.push_back(gateway.failed(step.version, 2ms, "nftables refused the put"));
          fail_version.reset();
        } else {
          answers.push_back(gateway.applied(step.version, 3ms));
        }
      }
    }
    for (const std::string& answer : answers) (void)leader.receive(answer, now + 5ms);
  }

  void sync(const ChangeLog& log, Clock::time_point now) {
    deliver(leader.catch_up(
                log, [] { return channel_state(1); }, now),
            now);
  }
};

}  // namespace

TEST_CASE("channel follower: hello says what the node holds", "[channel]") {
  Follower with = follower(41);
  MessageReader reader(Sender::gateway);
  const auto hello = std::get<Hello>(reader.read(with.connect()));
  CHECK(hello.name == "gw-1");
  CHECK(hello.applied == 41u);

  Follower enrolling = follower();
  MessageReader reader2(Sender::gateway);
  const auto enrol = std::get<Enrol>(reader2.read(enrolling.connect(test_secret(3))));
  CHECK(enrol.secret == test_secret(3));

  CHECK_THROWS_AS(Follower(FollowerOptions{"Not A Name", {}, kDefaultLease}, t0), ProtocolError);
  CHECK_THROWS_AS(Follower(FollowerOptions{"gw", {}, 0ms}, t0), ProtocolError);
}

TEST_CASE("channel follower: a state, then the changes that follow it", "[channel]") {
  Follower gw = follower();
  MessageReader acks(Sender::gateway);
  (void)acks.read(gw.connect());
  ControllerFrames controller;
  FollowerStep step = gw.receive(controller.state(5), t0);
  REQUIRE(step.action == Action::apply_state);
  CHECK(step.version == 5);
  CHECK(step.state->peers.size() == 1);
  CHECK(gw.pending_version() == 5u);
  const auto applied = std::get<Applied>(acks.read(gw.applied(5, 17ms)));
  CHECK(applied.version == 5);
  CHECK(applied.millis == 17);
  CHECK(gw.applied_version() == 5u);

  step = gw.receive(controller.change(6), t0);
  REQUIRE(step.action == Action::apply_change);
  CHECK(step.change->put == channel_change(6).put);
  (void)gw.applied(6, 1ms);
  CHECK(gw.applied_version() == 6u);
}

TEST_CASE("channel follower: the next version waits for the last to be applied", "[channel]") {
  Follower gw = follower(4);
  (void)gw.connect();
  ControllerFrames controller;
  (void)gw.receive(controller.change(5), t0);
  CHECK_THROWS_AS(gw.receive(controller.change(6), t0), std::logic_error);
  CHECK_THROWS_AS(gw.applied(6, 1ms), std::logic_error);
}

TEST_CASE("channel follower: a change on the wrong base asks for a resync, once", "[channel]") {
  Follower gw = follower(3);
  (void)gw.connect();
  ControllerFrames controller;
  FollowerStep step = gw.receive(controller.change(6), t0);  // base 5, the node holds 3
  REQUIRE(step.action == Action::resync);
  CHECK_FALSE(step.change);
  CHECK(gw.applied_version() == 3u);

  Follower gw2 = follower(3);
  MessageReader reader2(Sender::gateway);
  (void)reader2.read(gw2.connect());
  ControllerFrames controller2;
  step = gw2.receive(controller2.change(6), t0);
  CHECK(std::get<Resync>(reader2.read(*step.reply)).applied == 3u);
  // The changes already in flight behind it are passed over quietly.
  CHECK(gw2.receive(controller2.change(7), t0).action == Action::none);
  // The one that does follow what the node holds is applied.
  step = gw2.receive(controller2.change(4), t0);
  CHECK(step.action == Action::apply_change);
}

TEST_CASE("channel follower: a failed apply leaves no known version", "[channel]") {
  Follower gw = follower(3);
  MessageReader reader(Sender::gateway);
  (void)reader.read(gw.connect());
  ControllerFrames controller;
  (void)gw.receive(controller.change(4), t0);
  const auto answer = std::get<Applied>(reader.read(gw.failed(4, 2ms, "refused\nby nft")));
  CHECK(answer.error == "refused by nft");
  CHECK_FALSE(gw.applied_version());
  // Changes still in flight are not applied, nor answered one by one.
  CHECK(gw.receive(controller.change(5), t0).action == Action::none);
  CHECK(gw.receive(controller.state(5), t0).action == Action::apply_state);
  // An error too long for the protocol is cut, and still readable.
  (void)gw.failed(5, 1ms, std::string(5000, 'x'));
}

TEST_CASE("channel follower: the lease runs out without controller messages", "[channel]") {
  Follower gw = follower(9, 60s);
  (void)gw.connect();
  ControllerFrames controller;
  CHECK_FALSE(gw.expired(t0 + 59s));
  CHECK(gw.expired(t0 + 60s));
  // Any controller message renews it: a ping is enough.
  const FollowerStep pong = gw.receive(controller.ping(), t0 + 50s);
  CHECK(pong.action == Action::pong);
  REQUIRE(pong.reply);
  CHECK_FALSE(gw.expired(t0 + 100s));
  CHECK(gw.expired(t0 + 110s));

  // Failing closed: no peers, and no version held any more.
  const GatewayState closed = fail_closed(channel_state(3));
  CHECK(closed.peers.empty());
  CHECK(closed.private_key == channel_state(3).private_key);
  CHECK(closed.link == channel_state(3).link);
  gw.closed();
  CHECK_FALSE(gw.applied_version());
  CHECK_FALSE(gw.expired(t0 + 500s));  // closed once, not again and again
  (void)gw.receive(controller.ping(), t0 + 600s);
  CHECK(gw.expired(t0 + 780s));
}

TEST_CASE("channel change log: what a gateway misses, or nothing", "[channel]") {
  ChangeLog log(10, 3);
  CHECK(log.since(10)->empty());
  CHECK_FALSE(log.since(9));  // before the log: the whole state
  CHECK_FALSE(log.since(11));
  CHECK(log.append(channel_change(0)) == 11);
  CHECK(log.append(channel_change(1)) == 12);
  const auto missing = log.since(10);
  REQUIRE(missing);
  REQUIRE(missing->size() == 2);
  CHECK((*missing)[0].first == 11);
  CHECK((*missing)[1].first == 12);
  (void)log.append(channel_change(2));
  (void)log.append(channel_change(3));  // 11 drops out
  CHECK_FALSE(log.since(10));
  CHECK(log.since(11)->size() == 3);
  log.reset(20);
  CHECK_FALSE(log.since(14));
  CHECK(log.since(20)->empty());
  CHECK_THROWS_AS(ChangeLog(0, 0), ProtocolError);
}

TEST_CASE("channel leader: the first frame must be the right hello or an enrol", "[channel]") {
  MessageWriter gw;
  Leader leader(std::string("gw-1"));
  CHECK_THROWS_WITH(leader.receive(gw.write(Ping{}), t0), Catch::Contains("first message"));

  MessageWriter other;
  Leader named(std::string("gw-1"));
  CHECK_THROWS_WITH(named.receive(other.write(Hello{"gw-2", 3}), t0),
                    Catch::Contains("its key belongs to 'gw-1'"));

  MessageWriter enrolling;
  Leader unknown(std::nullopt);
  const LeaderEvent event = unknown.receive(enrolling.write(Enrol{test_secret(5), "new-gw"}), t0);
  CHECK(event.kind == LeaderEvent::Kind::enrol);
  CHECK(event.secret == test_secret(5));
  CHECK(unknown.name() == "new-gw");
  CHECK_THROWS_WITH(unknown.receive(enrolling.write(Hello{"new-gw", 1}), t0),
                    Catch::Contains("second hello"));

  MessageWriter hello;
  Leader unenrolled(std::nullopt);
  CHECK_THROWS_AS(unenrolled.receive(hello.write(Hello{"gw-1", 1}), t0), ProtocolError);
}

TEST_CASE("channel leader: a new gateway gets the whole state, then changes", "[channel]") {
  ChangeLog log(5);
  Pair pair(std::nullopt);
  CHECK(pair.leader.plan(log).kind == LeaderPlan::Kind::whole_state);
  pair.sync(log, t0);
  CHECK(pair.states == 1);
  CHECK(pair.gateway.applied_version() == 5u);
  CHECK(pair.leader.applied_version() == 5u);
  CHECK(pair.leader.plan(log).kind == LeaderPlan::Kind::nothing);

  (void)log.append(channel_change(1));
  (void)log.append(channel_change(2));
  CHECK(pair.leader.plan(log).kind == LeaderPlan::Kind::changes);
  pair.sync(log, t0 + 1s);
  CHECK(pair.changes == 2);
  CHECK(pair.gateway.applied_version() == 7u);
  CHECK(pair.leader.applied_version() == 7u);
  CHECK(pair.leader.outstanding().empty());

  // "Applied in N ms": from sending to the answer.
  const Delivery* seven = pair.leader.delivery(7);
  REQUIRE(seven);
  CHECK(seven->round_trip() == 5ms);
  CHECK(seven->gateway_millis == 3u);
  CHECK_FALSE(seven->whole);
}

TEST_CASE("channel leader: a reconnecting gateway gets what it missed", "[channel]") {
  ChangeLog log(0, 4);
  for (unsigned i = 0; i < 6; ++i) (void)log.append(channel_change(i));

  Pair near(4);  // the log holds 3..6
  CHECK(near.leader.plan(log).changes.size() == 2);
  near.sync(log, t0);
  CHECK(near.states == 0);
  CHECK(near.gateway.applied_version() == 6u);

  Pair far(1);  // the log starts at 3: too far behind
  CHECK(far.leader.plan(log).kind == LeaderPlan::Kind::whole_state);
  far.sync(log, t0);
  CHECK(far.states == 1);
  CHECK(far.gateway.applied_version() == 6u);

  Pair ahead(9);  // a controller restored from an older backup
  CHECK(ahead.leader.plan(log).kind == LeaderPlan::Kind::whole_state);
}

TEST_CASE("channel leader: sent but unanswered versions are outstanding", "[channel]") {
  ChangeLog log(1);
  Leader leader(std::string("gw-1"));
  MessageWriter gw;
  (void)leader.receive(gw.write(Hello{"gw-1", 1}), t0);
  (void)log.append(channel_change(0));
  (void)log.append(channel_change(1));
  CHECK(leader
            .catch_up(
                log, [] { return channel_state(0); }, t0)
            .size() == 2);
  CHECK(leader.outstanding() == std::vector<std::uint64_t>{2, 3});
  CHECK(leader.sent_version() == 3u);
  CHECK(leader.applied_version() == 1u);
  // Sent already: nothing more until the log moves.
  CHECK(leader.plan(log).kind == LeaderPlan::Kind::nothing);

  const LeaderEvent two = leader.receive(gw.write(Applied{2, 4, std::nullopt}), t0 + 40ms);
  CHECK(two.kind == LeaderEvent::Kind::applied);
  CHECK(two.delivery->round_trip() == 40ms);
  CHECK(leader.outstanding() == std::vector<std::uint64_t>{3});
  // An answer for a version not waiting for one ends the connection.
  CHECK_THROWS_WITH(leader.receive(gw.write(Applied{2, 4, std::nullopt}), t0),
                    Catch::Contains("not waiting"));
}

TEST_CASE("channel leader: a failed version brings the whole state", "[channel]") {
  ChangeLog log(3);
  Pair pair(3);
  (void)log.append(channel_change(0));
  (void)log.append(channel_change(1));
  pair.fail_version = 4;
  pair.sync(log, t0);
  // 4 failed, 5 was passed over; the leader now owes the whole state.
  CHECK(pair.leader.delivery(4)->error == "nftables refused the put");
  CHECK(pair.leader.delivery(5)->skipped);
  CHECK_FALSE(pair.leader.applied_version());
  CHECK(pair.leader.plan(log).kind == LeaderPlan::Kind::whole_state);
  pair.sync(log, t0 + 1s);
  CHECK(pair.states == 1);
  CHECK(pair.gateway.applied_version() == 5u);
  CHECK(pair.leader.applied_version() == 5u);
  CHECK(pair.leader.delivery(5)->whole);
  CHECK(pair.leader.outstanding().empty());
}

TEST_CASE("channel leader: a resync request is answered from the log", "[channel]") {
  ChangeLog log(0);
  for (unsigned i = 0; i < 3; ++i) (void)log.append(channel_change(i));
  Leader leader(std::string("gw-1"));
  MessageWriter gw;
  (void)leader.receive(gw.write(Hello{"gw-1", 3}), t0);
  (void)log.append(channel_change(3));
  CHECK(leader
            .catch_up(
                log, [] { return channel_state(0); }, t0)
            .size() == 1);
  // The gateway says it holds 1 after all (its node was restored, say).
  const LeaderEvent event = leader.receive(gw.write(Resync{1}), t0);
  CHECK(event.kind == LeaderEvent::Kind::resync);
  CHECK(leader.applied_version() == 1u);
  const LeaderPlan plan = leader.plan(log);
  REQUIRE(plan.kind == LeaderPlan::Kind::changes);
  CHECK(plan.changes.size() == 3);
  CHECK(plan.changes.front().first == 2);
}

TEST_CASE("channel leader: pings are answered, pongs are heard", "[channel]") {
  Leader leader(std::string("gw-1"));
  MessageWriter gw;
  (void)leader.receive(gw.write(Hello{"gw-1", 3}), t0);
  const LeaderEvent ping = leader.receive(gw.write(Ping{}), t0 + 3s);
  CHECK(ping.kind == LeaderEvent::Kind::ping);
  REQUIRE(ping.reply);
  CHECK(leader.last_heard() == t0 + 3s);

  Follower follower_side = follower(3);
  (void)follower_side.connect();
  CHECK(follower_side.receive(*ping.reply, t0).action == Action::none);
  const FollowerStep step = follower_side.receive(leader.ping(), t0);
  CHECK(step.action == Action::pong);
  CHECK(leader.receive(gw.write(Pong{}), t0).kind == LeaderEvent::Kind::pong);
}

TEST_CASE("channel stats: asked by the controller, answered once by the gateway", "[channel]") {
  Leader leader(std::string("gw-1"));
  Follower gateway = follower(3);
  (void)leader.receive(gateway.connect(), t0);

  const FollowerStep step = gateway.receive(leader.ask_stats(1), t0 + 1s);
  REQUIRE(step.action == Action::report_stats);
  CHECK(step.stats_id == 1);
  const PeerLive live{channel_state(1).peers.at(0).wireguard.public_key, 1'800'000'000, 10, 20};
  const LeaderEvent event = leader.receive(gateway.stats(1, {live}), t0 + 1s);
  REQUIRE(event.kind == LeaderEvent::Kind::stats);
  REQUIRE(event.stats);
  CHECK(event.stats->id == 1);
  CHECK(event.stats->peers == std::vector<PeerLive>{live});
  // The request also tells the gateway its controller is there.
  CHECK_FALSE(gateway.expired(t0 + 1s + kDefaultLease - 1ms));

  // Figures nobody asked for, or the same answer again, break the protocol:
  // a gateway cannot fill the controller's memory with them.
  CHECK_THROWS_AS(leader.receive(gateway.stats(1, {live}), t0 + 2s), ProtocolError);
  Leader other(std::string("gw-1"));
  Follower other_gateway = follower(3);
  (void)other.receive(other_gateway.connect(), t0);
  CHECK_THROWS_AS(other.receive(other_gateway.stats(5, {}), t0), ProtocolError);
  // Request ids only grow.
  CHECK_THROWS_AS(leader.ask_stats(1), std::logic_error);
}

TEST_CASE("channel stats: only peers with a handshake, never an endpoint", "[channel]") {
  DeviceSnapshot snapshot;
  const auto state = channel_state(2);
  PeerState talking{state.peers.at(0).wireguard, {}};
  talking.stats.endpoint = "198.51.100.7:41000";
  talking.stats.last_handshake_unix = 1'800'000'000;
  talking.stats.rx_bytes = 5;
  PeerState silent{state.peers.at(1).wireguard, {}};
  snapshot.peers = {talking, silent};
  const auto live = live_peers(snapshot);
  REQUIRE(live.size() == 1);
  CHECK(live[0].public_key == talking.config.public_key);
  CHECK(live[0].rx_bytes == 5);
  MessageWriter writer;
  const auto frame = writer.write(Stats{1, live});
  CHECK(frame.find("198.51.100.7") == std::string::npos);
  CHECK(frame.find("endpoint") == std::string::npos);
}
