// The agent's pure parts: the reconnect backoff and the state it keeps in
// memory as changes arrive.
#include <catch2/catch.hpp>

#include "channel_fixtures.hpp"
#include "picket/gateway/agent/backoff.hpp"
#include "picket/gateway/state_change.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;
using std::chrono::milliseconds;

TEST_CASE("agent backoff: doubles from 1 s to 30 s, jittered into the upper half", "[agent]") {
  const agent::Backoff backoff;  // 1 s to 30 s
  CHECK(agent::backoff_delay(backoff, 0, 1.0) == milliseconds(1000));
  CHECK(agent::backoff_delay(backoff, 0, 0.0) == milliseconds(500));
  CHECK(agent::backoff_delay(backoff, 1, 1.0) == milliseconds(2000));
  CHECK(agent::backoff_delay(backoff, 4, 1.0) == milliseconds(16000));
  CHECK(agent::backoff_delay(backoff, 5, 1.0) == milliseconds(30000));
  CHECK(agent::backoff_delay(backoff, 5, 0.0) == milliseconds(15000));
  CHECK(agent::backoff_delay(backoff, 1000000, 1.0) == milliseconds(30000));
  CHECK(agent::backoff_delay(backoff, 3, 0.5) == milliseconds(6000));
  // Out-of-range random numbers are clamped, not trusted.
  CHECK(agent::backoff_delay(backoff, 0, 7.0) == milliseconds(1000));
  CHECK(agent::backoff_delay(backoff, 0, -1.0) == milliseconds(500));
}

TEST_CASE("agent held state: a change applied as the node applies it", "[agent]") {
  GatewayState state = channel_state(3);
  GatewayChange change;
  NodePeer replaced = channel_peer(1);
  replaced.dns_name = "renamed.m1";
  change.remove = {channel_peer(0).wireguard.public_key, test_key(999)};  // one unknown
  change.put = {replaced, channel_peer(5)};
  change.listen_port = 51000;
  change.member_to_member = false;
  const GatewayState next = with_change(state, change);
  REQUIRE(next.peers.size() == 3);
  CHECK(next.peers[0] == replaced);
  CHECK(next.peers[1] == channel_peer(2));
  CHECK(next.peers[2] == channel_peer(5));
  CHECK(next.listen_port == 51000);
  CHECK_FALSE(next.member_to_member);
  CHECK(next.link == state.link);
  CHECK(next.dns == state.dns);
  CHECK(next.private_key == state.private_key);

  // Removals before puts: a reissue removes the old key and puts the new one.
  GatewayChange reissue;
  reissue.remove = {channel_peer(2).wireguard.public_key};
  reissue.put = {channel_peer(2)};
  CHECK(with_change(next, reissue).peers.size() == 3);
}

TEST_CASE("for_host: each gateway host gets only the peers assigned to it", "[agent]") {
  GatewayState state = channel_state(3);
  state.peers[0].hosts = std::vector<std::string>{"gw-a"};
  state.peers[1].hosts = std::vector<std::string>{};  // on no gateway
  // peers[2]: every gateway

  const auto on_a = for_host(state, "gw-a");
  REQUIRE(on_a.peers.size() == 2);
  CHECK(on_a.peers[0].wireguard.public_key == state.peers[0].wireguard.public_key);
  CHECK(on_a.peers[1].wireguard.public_key == state.peers[2].wireguard.public_key);
  // What goes over the channel says nothing of the other hosts.
  for (const auto& peer : on_a.peers) CHECK_FALSE(peer.hosts.has_value());
  const auto on_b = for_host(state, "gw-b");
  REQUIRE(on_b.peers.size() == 1);
  CHECK(on_b.peers[0].wireguard.public_key == state.peers[2].wireguard.public_key);
  CHECK(on_b.private_key == state.private_key);
  CHECK(on_b.link == state.link);

  // A put for a peer that leaves gw-b is a removal there, a put on gw-a;
  // removals and settings pass to both.
  GatewayChange change;
  auto moved = state.peers[2];
  moved.hosts = std::vector<std::string>{"gw-a"};
  change.put = {moved};
  change.remove = {state.peers[0].wireguard.public_key};
  change.listen_port = 51000;
  const auto for_a = for_host(change, "gw-a");
  REQUIRE(for_a.put.size() == 1);
  CHECK_FALSE(for_a.put[0].hosts.has_value());
  CHECK(for_a.remove == change.remove);
  CHECK(for_a.listen_port == 51000);
  const auto for_b = for_host(change, "gw-b");
  CHECK(for_b.put.empty());
  CHECK(for_b.remove ==
        std::vector<Key>{state.peers[0].wireguard.public_key, state.peers[2].wireguard.public_key});
  CHECK(for_b.listen_port == 51000);

  // Each host's state after the change is the change applied to its state.
  const auto after = with_change(state, change);
  CHECK(with_change(on_a, for_a).peers == for_host(after, "gw-a").peers);
  CHECK(with_change(on_b, for_b).peers == for_host(after, "gw-b").peers);
}
