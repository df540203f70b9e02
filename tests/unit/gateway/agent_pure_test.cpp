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
