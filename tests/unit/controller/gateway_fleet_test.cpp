// GatewayFleet, the controller's link to gateways on other hosts, against
// real picket-gateway agents (on FakeBackend nodes) over the TLS channel on
// 127.0.0.1: enrolment, the whole state, a change that returns once every
// connected gateway has applied it, and a per-gateway answer.
#include "daemon/gateway_fleet.hpp"

#include <boost/asio/post.hpp>
#include <future>

#include "agent_fixtures.hpp"

using namespace picket::controller;
using namespace picket::gateway::test;
namespace channel = picket::gateway::channel;
namespace gw = picket::gateway;

namespace {

// The agents' own io thread, as on a gateway host.
class GatewayHosts {
 public:
  GatewayHosts() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~GatewayHosts() {
    on_io([this] {
      gateways_.clear();
      return 0;
    });
    work_.reset();
    io_.stop();
    thread_.join();
  }
  template <typename F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  TestGateway& add(gw::agent::ControllerFile file,
                   channel::Identity identity = channel::Identity::generate()) {
    return *on_io([&] {
      gateways_.push_back(std::make_unique<TestGateway>(io_, std::move(file), std::move(identity)));
      return gateways_.back().get();
    });
  }
  void remove(TestGateway& gateway) {
    on_io([&] { std::erase_if(gateways_, [&](const auto& g) { return g.get() == &gateway; }); });
  }
  std::optional<std::uint64_t> applied(TestGateway& gateway) {
    return on_io([&] { return gateway.agent->applied_version(); });
  }
  std::vector<std::string> peers(TestGateway& gateway) {
    return on_io([&] { return gateway.peer_keys(); });
  }
  // The WireGuard key its interface holds (none before a whole state).
  std::optional<gw::SecretKey> wireguard_key(TestGateway& gateway) {
    return on_io([&]() -> std::optional<gw::SecretKey> {
      if (gateway.fake == nullptr) return std::nullopt;
      return gateway.fake->state().private_key;
    });
  }
  bool wait_applied(TestGateway& gateway, std::uint64_t version) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (applied(gateway) == version) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<TestGateway>> gateways_;
  std::thread thread_;
};

gw::agent::ControllerFile enrolling(GatewayFleet& fleet, const std::string& name) {
  const auto token = fleet.enrolment_token("127.0.0.1", name, name + ".example.org:51820",
                                           std::chrono::seconds(300));
  return {"127.0.0.1", fleet.port(), fleet.pin(), name, token.secret};
}

using Enrolled = std::map<std::string, EnrolledGateway>;

FleetOptions fleet_options(Enrolled* enrolled) {
  FleetOptions options;
  options.address = "127.0.0.1";
  options.answer_timeout = std::chrono::milliseconds(3000);
  options.on_enrolled = [enrolled](const std::string& pin, const EnrolledGateway& gateway) {
    (*enrolled)[pin] = gateway;
  };
  return options;
}

const GatewayAnswer& answer_of(const std::vector<GatewayAnswer>& answers, const std::string& name) {
  for (const auto& answer : answers)
    if (answer.name == name) return answer;
  throw std::logic_error("no answer for " + name);
}

}  // namespace

TEST_CASE("fleet: two gateways enrol, follow the state, and answer each change", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  const auto state = agent_state(0, 3);
  fleet.apply(state);
  GatewayHosts hosts;
  auto& a = hosts.add(enrolling(fleet, "gw-a"));
  auto& b = hosts.add(enrolling(fleet, "gw-b"));
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(hosts.wait_applied(b, fleet.version()));
  CHECK(enrolled.size() == 2);
  CHECK(hosts.peers(a) == keys_of(state.peers));
  CHECK(hosts.peers(b) == keys_of(state.peers));

  // A revoke returns once both have removed the peer, and says so per gateway.
  gw::GatewayChange revoke;
  revoke.remove = {state.peers[1].wireguard.public_key};
  fleet.apply(revoke);
  const auto answers = fleet.last_answers();
  REQUIRE(answers.size() == 2);
  for (const auto* name : {"gw-a", "gw-b"}) {
    INFO(name);
    CHECK(answer_of(answers, name).outcome == GatewayAnswer::Outcome::applied);
  }
  const auto left = keys_of(gw::with_change(state, revoke).peers);
  CHECK(hosts.peers(a) == left);
  CHECK(hosts.peers(b) == left);

  // One gateway gone: the next change still returns, and names it unreachable.
  const auto b_identity = b.identity;
  hosts.remove(b);
  gw::GatewayChange add;
  add.put = {agent_state(3, 1).peers.at(0)};
  fleet.apply(add);
  const auto after = fleet.last_answers();
  CHECK(answer_of(after, "gw-a").outcome == GatewayAnswer::Outcome::applied);
  CHECK(answer_of(after, "gw-b").outcome == GatewayAnswer::Outcome::unreachable);

  // Back with an empty memory, it gets exactly the controller's state.
  auto& b_again =
      hosts.add({"127.0.0.1", fleet.port(), fleet.pin(), "gw-b", std::nullopt}, b_identity);
  REQUIRE(hosts.wait_applied(b_again, fleet.version()));
  CHECK(hosts.peers(b_again) ==
        keys_of(gw::with_change(gw::with_change(state, revoke), add).peers));
}

TEST_CASE("fleet: an unknown key and a reused token are refused, nothing applied", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  fleet.apply(agent_state(0, 2));
  GatewayHosts hosts;
  const auto file = enrolling(fleet, "gw-a");
  auto& a = hosts.add(file);
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  // The same secret again, from another key: refused.
  auto reused = file;
  reused.name = "gw-b";
  auto& b = hosts.add(reused);
  // No token pending now: a key nobody enrolled is refused at the handshake.
  auto& c = hosts.add({"127.0.0.1", fleet.port(), fleet.pin(), "gw-c", std::nullopt});
  std::this_thread::sleep_for(1500ms);
  CHECK_FALSE(hosts.applied(b).has_value());
  CHECK_FALSE(hosts.applied(c).has_value());
  CHECK(hosts.peers(b).empty());
  CHECK(hosts.peers(c).empty());
  CHECK(enrolled.size() == 1);
  // Only the enrolled gateway is driven and answers.
  gw::GatewayChange revoke;
  revoke.remove = {agent_state(0, 1).peers.at(0).wireguard.public_key};
  fleet.apply(revoke);
  const auto answers = fleet.last_answers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].name == "gw-a");
  CHECK(answers[0].outcome == GatewayAnswer::Outcome::applied);
}

TEST_CASE("fleet: a restarted controller brings a gateway to its own state", "[fleet]") {
  // Before versions started at random, both runs numbered their first state
  // 1: the gateway held "1" and was taken to be up to date, so a peer the
  // controller revoked while the gateway was away stayed on it.
  const auto identity = channel::Identity::generate();
  Enrolled enrolled;
  GatewayHosts hosts;
  const auto before = agent_state(0, 3);
  std::uint16_t port = 0;
  TestGateway* a = nullptr;
  {
    auto options = fleet_options(&enrolled);
    options.identity = identity;
    GatewayFleet fleet(std::move(options));
    fleet.apply(before);
    port = fleet.port();
    a = &hosts.add(enrolling(fleet, "gw-a"));
    REQUIRE(hosts.wait_applied(*a, fleet.version()));
    REQUIRE(hosts.peers(*a) == keys_of(before.peers));
  }
  auto options = fleet_options(&enrolled);
  options.identity = identity;
  options.port = port;
  options.enrolled = enrolled;
  GatewayFleet again(std::move(options));
  auto after = before;
  after.peers.erase(after.peers.begin() + 1);
  again.apply(after);
  REQUIRE(hosts.wait_applied(*a, again.version()));
  CHECK(hosts.peers(*a) == keys_of(after.peers));
}

TEST_CASE("fleet: a token enrols the name it was made for, once", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  fleet.apply(agent_state(0, 2));
  GatewayHosts hosts;
  // The gateway asks for another name: the token's wins.
  auto file = enrolling(fleet, "gw-a");
  file.name = "something-else";
  auto& a = hosts.add(file);
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(enrolled.size() == 1);
  CHECK(enrolled.begin()->second.name == "gw-a");
  CHECK_THROWS_WITH(fleet.enrolment_token("127.0.0.1", "gw-a", "gw-a.example.org:51820",
                                          std::chrono::seconds(60)),
                    Catch::Contains("enrolled already"));
  // The gateway's acknowledgement reaches the controller a moment after
  // the gateway applied the state.
  auto status = fleet.status();
  for (int i = 0; i < 500 && !(status.size() == 1 && status[0].current); ++i) {
    std::this_thread::sleep_for(10ms);
    status = fleet.status();
  }
  REQUIRE(status.size() == 1);
  CHECK(status[0].name == "gw-a");
  CHECK(status[0].connected);
  CHECK(status[0].current);
}

TEST_CASE("fleet: a removed gateway is cut off and cannot come back", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  fleet.apply(agent_state(0, 2));
  GatewayHosts hosts;
  auto& a = hosts.add(enrolling(fleet, "gw-a"));
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  CHECK_FALSE(fleet.forget("gw-unknown"));
  REQUIRE(fleet.forget("gw-a"));
  CHECK(fleet.status().empty());
  // Its next change is not sent to it, and nobody is waited for.
  gw::GatewayChange add;
  add.put = {agent_state(2, 1).peers.at(0)};
  fleet.apply(add);
  CHECK(fleet.last_answers().empty());
  std::this_thread::sleep_for(1500ms);
  CHECK(hosts.peers(a).size() == 2);
  CHECK(fleet.status().empty());
}

TEST_CASE("fleet: each gateway gets a WireGuard key of its own", "[fleet]") {
  // Before, every gateway got the controller's one key: a seized gateway's
  // memory gave away the key members use at every other gateway.
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  const auto state = agent_state(0, 2);
  fleet.apply(state);
  REQUIRE(fleet.client_endpoints().has_value());
  CHECK(fleet.client_endpoints()->empty());
  GatewayHosts hosts;
  auto& a = hosts.add(enrolling(fleet, "gw-a"));
  auto& b = hosts.add(enrolling(fleet, "gw-b"));
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(hosts.wait_applied(b, fleet.version()));
  const auto key_a = hosts.wireguard_key(a);
  const auto key_b = hosts.wireguard_key(b);
  REQUIRE(key_a.has_value());
  REQUIRE(key_b.has_value());
  CHECK_FALSE(*key_a == state.private_key);
  CHECK_FALSE(*key_b == state.private_key);
  CHECK_FALSE(*key_a == *key_b);

  // What members are told: each gateway's endpoint and the public half of
  // the key it holds, by name.
  const auto endpoints = fleet.client_endpoints();
  REQUIRE(endpoints.has_value());
  REQUIRE(endpoints->size() == 2);
  CHECK((*endpoints)[0].name == "gw-a");
  CHECK((*endpoints)[0].endpoint == "gw-a.example.org:51820");
  CHECK((*endpoints)[0].public_key == gw::public_key_of(*key_a));
  CHECK((*endpoints)[1].name == "gw-b");
  CHECK((*endpoints)[1].public_key == gw::public_key_of(*key_b));

  // The store gets the key with the record; a restarted controller hands
  // the same key back to a gateway that comes back with an empty memory.
  REQUIRE(enrolled.size() == 2);
  for (const auto& [pin, gateway] : enrolled)
    CHECK(gw::public_key_of(gateway.wireguard_key) ==
          gw::public_key_of(gateway.name == "gw-a" ? *key_a : *key_b));
  const auto a_identity = a.identity;
  hosts.remove(a);
  auto& a_again =
      hosts.add({"127.0.0.1", fleet.port(), fleet.pin(), "gw-a", std::nullopt}, a_identity);
  REQUIRE(hosts.wait_applied(a_again, fleet.version()));
  const auto key_again = hosts.wireguard_key(a_again);
  REQUIRE(key_again.has_value());
  CHECK(*key_again == *key_a);

  // Rotating "the" key means nothing here: refused, nothing changes.
  CHECK_THROWS_WITH(fleet.rotate_key(gw::generate_private_key()),
                    Catch::Contains("a WireGuard key of its own"));
  CHECK(hosts.wireguard_key(b) == key_b);
}

TEST_CASE("fleet: a device is on the gateways it is assigned to", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  auto state = agent_state(0, 3);
  state.peers[0].hosts = std::vector<std::string>{"gw-a"};
  fleet.apply(state);
  GatewayHosts hosts;
  auto& a = hosts.add(enrolling(fleet, "gw-a"));
  auto& b = hosts.add(enrolling(fleet, "gw-b"));
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(hosts.wait_applied(b, fleet.version()));
  const auto key = [&](std::size_t i) { return state.peers[i].wireguard.public_key.base64(); };
  const auto has = [](const std::vector<std::string>& keys, const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  CHECK(hosts.peers(a).size() == 3);
  CHECK(hosts.peers(b).size() == 2);
  CHECK_FALSE(has(hosts.peers(b), key(0)));

  // Moved from every gateway to gw-b only: gone from gw-a before the call
  // returns, and both say they applied it.
  gw::GatewayChange move;
  auto moved = state.peers[1];
  moved.hosts = std::vector<std::string>{"gw-b"};
  move.put = {moved};
  fleet.apply(move);
  for (const auto* name : {"gw-a", "gw-b"}) {
    INFO(name);
    CHECK(answer_of(fleet.last_answers(), name).outcome == GatewayAnswer::Outcome::applied);
  }
  CHECK_FALSE(has(hosts.peers(a), key(1)));
  CHECK(has(hosts.peers(b), key(1)));

  // A gateway that comes back with an empty memory gets only its own part.
  const auto b_identity = b.identity;
  hosts.remove(b);
  auto& b_again =
      hosts.add({"127.0.0.1", fleet.port(), fleet.pin(), "gw-b", std::nullopt}, b_identity);
  REQUIRE(hosts.wait_applied(b_again, fleet.version()));
  const auto on_b = hosts.peers(b_again);
  CHECK(on_b.size() == 2);
  CHECK_FALSE(has(on_b, key(0)));
  CHECK(has(on_b, key(1)));
  CHECK(has(on_b, key(2)));

  // The drift timer's whole state with the same peers sends nothing; with an
  // assignment changed, each gateway gets its new part.
  const auto version = fleet.version();
  fleet.apply(gw::with_change(state, move));
  CHECK(fleet.version() == version);
  auto everywhere = gw::with_change(state, move);
  for (auto& peer : everywhere.peers) peer.hosts.reset();
  fleet.apply(everywhere);
  REQUIRE(fleet.version() > version);
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(hosts.wait_applied(b_again, fleet.version()));
  CHECK(hosts.peers(a).size() == 3);
  CHECK(hosts.peers(b_again).size() == 3);
}

TEST_CASE("fleet: live handshakes are asked of each gateway, no endpoint kept", "[fleet]") {
  Enrolled enrolled;
  GatewayFleet fleet(fleet_options(&enrolled));
  const auto state = agent_state(0, 3);
  fleet.apply(state);
  GatewayHosts hosts;
  auto& a = hosts.add(enrolling(fleet, "gw-a"));
  auto& b = hosts.add(enrolling(fleet, "gw-b"));
  REQUIRE(hosts.wait_applied(a, fleet.version()));
  REQUIRE(hosts.wait_applied(b, fleet.version()));
  const auto key0 = state.peers[0].wireguard.public_key;
  const auto key1 = state.peers[1].wireguard.public_key;
  // The first device talks to both gateways, the second to gw-b only; each
  // interface also knows where the device is (which must go nowhere).
  hosts.on_io([&] {
    for (auto* gateway : {&a, &b}) {
      for (auto& peer : gateway->fake->state().peers) {
        const bool talks =
            peer.config.public_key == key0 || (gateway == &b && peer.config.public_key == key1);
        if (!talks) continue;
        peer.stats.endpoint = "198.51.100.7:41000";
        peer.stats.last_handshake_unix = gateway == &a ? 1'800'000'100 : 1'800'000'000;
        peer.stats.rx_bytes = 100;
        peer.stats.tx_bytes = 50;
      }
    }
    return 0;
  });

  const auto snapshot = fleet.read();
  REQUIRE(snapshot.peers.size() == 3);
  std::map<gw::Key, gw::PeerStats> by_key;
  for (const auto& peer : snapshot.peers) by_key[peer.config.public_key] = peer.stats;
  CHECK(by_key[key0].last_handshake_unix == 1'800'000'100);  // the latest
  CHECK(by_key[key0].rx_bytes == 200);                       // summed
  CHECK_FALSE(by_key[key0].endpoint.has_value());
  CHECK(by_key[key1].last_handshake_unix == 1'800'000'000);
  CHECK(by_key[state.peers[2].wireguard.public_key].last_handshake_unix == 0);

  const auto per_gateway = fleet.read_by_gateway();
  REQUIRE(per_gateway.count(key0) == 1);
  REQUIRE(per_gateway.at(key0).size() == 2);
  CHECK(per_gateway.at(key0)[0].gateway == "gw-a");
  CHECK(per_gateway.at(key0)[1].gateway == "gw-b");
  REQUIRE(per_gateway.at(key1).size() == 1);
  CHECK(per_gateway.at(key1)[0].gateway == "gw-b");
  CHECK(per_gateway.count(state.peers[2].wireguard.public_key) == 0);

  // A gateway gone: the read still returns, with the other's figures.
  hosts.remove(a);
  const auto later = fleet.read();
  std::map<gw::Key, gw::PeerStats> later_by_key;
  for (const auto& peer : later.peers) later_by_key[peer.config.public_key] = peer.stats;
  CHECK(later_by_key[key0].last_handshake_unix == 1'800'000'000);
}
