#pragma once

// One behaviour suite for GatewayNode on every WireGuard backend, with the
// harnesses of backend_suite.hpp: the node is the only writer of the
// interface, so what it promises (whole state, changes, rotation, teardown)
// must hold on the fake, on wireguard-go and on the kernel alike.
//
// PICKET_NODE_SUITE(prefix, tags, Harness) expands to one TEST_CASE per
// behaviour.

#include <catch2/catch.hpp>

#include "backend_suite.hpp"
#include "helpers.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/node.hpp"
#include "picket/gateway/state.hpp"

namespace picket::gateway::test {

inline NodePeer node_peer(unsigned n) {
  NodePeer peer;
  peer.wireguard = test_peer(n);
  peer.firewall.ipv4 = peer.wireguard.allowed_ips[0].address;
  peer.firewall.ipv6 = peer.wireguard.allowed_ips[1].address;
  peer.dns_name = "d" + std::to_string(n) + ".m";
  return peer;
}

inline GatewayState node_state(unsigned peers) {
  GatewayState state;
  state.private_key = test_secret(4242);
  state.listen_port = suite_port();
  state.link = suite_link();
  for (unsigned n = 0; n < peers; ++n) state.peers.push_back(node_peer(n));
  return state;
}

inline std::vector<PeerConfig> wireguard_of(const std::vector<NodePeer>& peers) {
  std::vector<PeerConfig> out;
  for (const auto& peer : peers) out.push_back(peer.wireguard);
  return canonical(std::move(out));
}

template <class H>
std::unique_ptr<GatewayNode> make_node(H& h, const std::string& name) {
  NodeOptions options;
  options.backend = h.make(name);
  return std::make_unique<GatewayNode>(std::move(options));
}

template <class H>
void node_whole_state(H& h) {
  const std::string name = h.fresh_name();
  auto node = make_node(h, name);
  const GatewayState state = node_state(3);

  const NodeReport first = node->apply(state);
  CHECK(first.interface_created);
  CHECK(first.peers == 3);
  CHECK(first.wireguard.added == 3);
  h.check_link(name, state.link);
  DeviceSnapshot snap = node->read();
  CHECK(canonical(snap) == wireguard_of(state.peers));
  REQUIRE(snap.private_key);
  CHECK(*snap.private_key == clamp_private_key(state.private_key));
  CHECK(snap.listen_port == state.listen_port);

  // The same state again sends nothing.
  const NodeReport again = node->apply(state);
  CHECK_FALSE(again.interface_created);
  CHECK(again.wireguard == ReconcileResult{});

  // Drift by another writer (`wg set` by hand): a peer gone, a stranger in.
  {
    auto other = h.make(name);
    DeviceChange drift = plan_remove(state.peers[0].wireguard.public_key);
    drift.peers.push_back(plan_upsert(test_peer(50)).peers.at(0));
    other->apply(drift);
  }
  const NodeReport repaired = node->apply(state);
  CHECK(repaired.wireguard.added == 1);
  CHECK(repaired.wireguard.removed == 1);
  CHECK(canonical(node->read()) == wireguard_of(state.peers));
}

template <class H>
void node_changes(H& h) {
  const std::string name = h.fresh_name();
  auto node = make_node(h, name);
  GatewayState state = node_state(2);
  node->apply(state);

  GatewayChange add_and_remove;
  add_and_remove.put = {node_peer(2)};
  add_and_remove.remove = {state.peers[0].wireguard.public_key};
  node->apply(add_and_remove);
  CHECK(canonical(node->read()) == wireguard_of({node_peer(1), node_peer(2)}));

  // A reissue is one change: the old key out and the new key in with the
  // same addresses, never both at once and never neither.
  NodePeer reissued = node_peer(1);
  reissued.wireguard.public_key = test_key(99);
  GatewayChange reissue;
  reissue.remove = {node_peer(1).wireguard.public_key};
  reissue.put = {reissued};
  node->apply(reissue);
  CHECK(canonical(node->read()) == wireguard_of({reissued, node_peer(2)}));

  // An unknown key is ignored; a new port is taken.
  GatewayChange unknown;
  unknown.remove = {test_key(12345)};
  const std::uint16_t port = suite_port();
  unknown.listen_port = port;
  node->apply(unknown);
  const DeviceSnapshot snap = node->read();
  CHECK(snap.peers.size() == 2);
  CHECK(snap.listen_port == port);
}

template <class H>
void node_rotation(H& h) {
  const std::string name = h.fresh_name();
  auto node = make_node(h, name);
  GatewayState state = node_state(2);
  node->apply(state);
  const DeviceSnapshot before = node->read();

  const SecretKey next = test_secret(5151);
  node->rotate_key(next);
  const DeviceSnapshot after = node->read();
  REQUIRE(after.private_key);
  CHECK(*after.private_key == clamp_private_key(next));
  CHECK(public_key_of(*after.private_key) != public_key_of(*before.private_key));
  // Members keep their peers; only the configs they hold name the old key.
  CHECK(canonical(after) == canonical(before));
  CHECK(after.listen_port == before.listen_port);

  // The controller's next whole state carries the new key: nothing to do.
  state.private_key = next;
  CHECK(node->apply(state).wireguard == ReconcileResult{});
}

template <class H>
void node_teardown(H& h) {
  const std::string name = h.fresh_name();
  auto node = make_node(h, name);
  const GatewayState state = node_state(2);
  node->apply(state);

  node->teardown();
  CHECK(node->torn_down());
  h.check_gone(name);
  CHECK_FALSE(h.make(name)->interface_exists());

  // Afterwards nothing brings the interface back: not a drift timer's whole
  // state, not a late change, not a rotation.
  CHECK_THROWS_AS(node->apply(state), Error);
  GatewayChange late;
  late.put = {node_peer(7)};
  CHECK_THROWS_AS(node->apply(late), Error);
  CHECK_THROWS_AS(node->rotate_key(test_secret(1)), Error);
  CHECK_FALSE(h.make(name)->interface_exists());
  CHECK_NOTHROW(node->teardown());  // twice is harmless

  // An interface that vanished on its own (wireguard-go killed with the
  // service) holds no peer: teardown has nothing left to fail on.
  const std::string other = h.fresh_name();
  auto second = make_node(h, other);
  second->apply(node_state(1));
  h.make(other)->remove_interface();
  CHECK_NOTHROW(second->teardown());
  CHECK_FALSE(h.make(other)->interface_exists());
}

}  // namespace picket::gateway::test

#define PICKET_NODE_CASE(prefix, tags, Harness, fn, title) \
  TEST_CASE(prefix ": " title, tags) {                     \
    Harness harness;                                       \
    picket::gateway::test::fn(harness);                    \
  }

#define PICKET_NODE_SUITE(prefix, tags, Harness)                                               \
  PICKET_NODE_CASE(prefix, tags, Harness, node_whole_state, "node: whole state, again, drift") \
  PICKET_NODE_CASE(prefix, tags, Harness, node_changes, "node: changes add, reissue, remove")  \
  PICKET_NODE_CASE(prefix, tags, Harness, node_rotation, "node: key rotation keeps the peers") \
  PICKET_NODE_CASE(prefix, tags, Harness, node_teardown, "node: teardown, and nothing after it")
