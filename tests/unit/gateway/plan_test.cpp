#include "picket/gateway/plan.hpp"

#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;

namespace {

PeerState state_of(const PeerConfig& config) {
  PeerState state;
  state.config = config;
  state.stats.rx_bytes = 1234;  // live counters never matter to the plan
  return state;
}

DeviceSnapshot snapshot_of(const DesiredInterface& d) {
  DeviceSnapshot snap;
  snap.private_key = clamp_private_key(d.private_key);  // as WireGuard reports it
  snap.listen_port = d.listen_port;
  for (const PeerConfig& p : d.peers) snap.peers.push_back(state_of(p));
  return snap;
}

DesiredInterface base() {
  DesiredInterface d;
  d.private_key = test_secret(1000);
  d.listen_port = 51820;
  d.peers = test_peers(0, 3);
  d.peers[1].preshared_key = test_secret(2000);
  d.peers[1].persistent_keepalive = 25;
  return d;
}

}  // namespace

TEST_CASE("plan: identical state needs no change", "[plan]") {
  DesiredInterface d = base();
  DeviceSnapshot snap = snapshot_of(d);
  // Order of peers and of allowed IPs, and host bits, do not matter.
  std::reverse(snap.peers.begin(), snap.peers.end());
  std::reverse(snap.peers[0].config.allowed_ips.begin(), snap.peers[0].config.allowed_ips.end());
  CHECK(plan(d, snap).empty());
  d.peers[0].allowed_ips.push_back(d.peers[0].allowed_ips[0]);  // duplicate
  CHECK(plan(d, snap).empty());
}

TEST_CASE("plan: table of single differences", "[plan]") {
  const DesiredInterface d = base();
  const DeviceSnapshot same = snapshot_of(d);
  const Key k0 = d.peers[0].public_key;
  const Key k1 = d.peers[1].public_key;

  SECTION("fresh interface: key, port and every peer, sorted by key") {
    const DeviceChange c = plan(d, DeviceSnapshot{});
    REQUIRE(c.private_key);
    CHECK(*c.private_key == d.private_key);
    CHECK(c.listen_port == std::optional<std::uint16_t>(51820));
    CHECK_FALSE(c.replace_peers);
    REQUIRE(c.peers.size() == 3);
    CHECK(std::is_sorted(c.peers.begin(), c.peers.end(),
                         [](auto& a, auto& b) { return a.public_key < b.public_key; }));
    for (const PeerChange& p : c.peers) {
      CHECK_FALSE(p.remove);
      CHECK_FALSE(p.update_only);
      CHECK(p.allowed_ips.size() == 2);
      if (p.public_key == k1) {
        CHECK(p.preshared_key);
        CHECK(p.persistent_keepalive == std::optional<std::uint16_t>(25));
      } else {
        CHECK_FALSE(p.preshared_key);
        CHECK_FALSE(p.persistent_keepalive);
      }
    }
  }
  SECTION("port only") {
    DeviceSnapshot snap = same;
    snap.listen_port = 1;
    const DeviceChange c = plan(d, snap);
    CHECK(c.listen_port == std::optional<std::uint16_t>(51820));
    CHECK_FALSE(c.private_key);
    CHECK(c.peers.empty());
  }
  SECTION("an unclamped private key equals its clamped form") {
    REQUIRE_FALSE(clamp_private_key(d.private_key) == d.private_key);
    CHECK(plan(d, same).empty());
    DesiredInterface no_key = d;
    no_key.private_key = SecretKey{};
    DeviceSnapshot empty = same;
    empty.private_key.reset();
    CHECK_FALSE(plan(no_key, empty).private_key);
    CHECK(plan(no_key, same).private_key->is_zero());
  }
  SECTION("private key only") {
    DeviceSnapshot snap = same;
    snap.private_key = test_secret(1);
    const DeviceChange c = plan(d, snap);
    CHECK(c.private_key);
    CHECK_FALSE(c.listen_port);
    CHECK(c.peers.empty());
  }
  SECTION("keepalive changed: only that field of only that peer") {
    DeviceSnapshot snap = same;
    snap.peers[1].config.persistent_keepalive = 0;
    const DeviceChange c = plan(d, snap);
    REQUIRE(c.peers.size() == 1);
    CHECK(c.peers[0].public_key == k1);
    CHECK(c.peers[0].update_only);
    CHECK(c.peers[0].persistent_keepalive == std::optional<std::uint16_t>(25));
    CHECK_FALSE(c.peers[0].preshared_key);
    CHECK_FALSE(c.peers[0].replace_allowed_ips);
    CHECK(c.peers[0].allowed_ips.empty());
  }
  SECTION("preshared key removed: cleared with all zero") {
    DesiredInterface want = d;
    want.peers[1].preshared_key.reset();
    const DeviceChange c = plan(want, same);
    REQUIRE(c.peers.size() == 1);
    REQUIRE(c.peers[0].preshared_key);
    CHECK(c.peers[0].preshared_key->is_zero());
    CHECK_FALSE(c.peers[0].persistent_keepalive);
  }
  SECTION("preshared key changed") {
    DesiredInterface want = d;
    want.peers[1].preshared_key = test_secret(3000);
    const DeviceChange c = plan(want, same);
    REQUIRE(c.peers.size() == 1);
    CHECK(*c.peers[0].preshared_key == test_secret(3000));
  }
  SECTION("allowed IPs changed: replaced as a whole") {
    DesiredInterface want = d;
    want.peers[0].allowed_ips = {Cidr::parse("10.99.0.0/24")};
    const DeviceChange c = plan(want, same);
    REQUIRE(c.peers.size() == 1);
    CHECK(c.peers[0].public_key == k0);
    CHECK(c.peers[0].update_only);
    CHECK(c.peers[0].replace_allowed_ips);
    CHECK(c.peers[0].allowed_ips == std::vector<Cidr>{Cidr::parse("10.99.0.0/24")});
  }
  SECTION("host bits are compared as WireGuard stores them") {
    DesiredInterface want = d;
    want.peers[0].allowed_ips = {Cidr::parse("10.99.0.7/24")};
    DeviceSnapshot snap = same;
    snap.peers[0].config.allowed_ips = {Cidr::parse("10.99.0.0/24")};
    CHECK(plan(want, snap).empty());
  }
  SECTION("an extra peer is removed after the additions") {
    DesiredInterface want = d;
    want.peers.erase(want.peers.begin());
    want.peers.push_back(test_peer(50));
    const DeviceChange c = plan(want, same);
    REQUIRE(c.peers.size() == 2);
    CHECK(c.peers[0].public_key == test_key(50));
    CHECK_FALSE(c.peers[0].remove);
    CHECK(c.peers[1].public_key == k0);
    CHECK(c.peers[1].remove);
  }
  SECTION("an empty desired list removes everything, peer by peer") {
    DesiredInterface want = d;
    want.peers.clear();
    const DeviceChange c = plan(want, same);
    CHECK_FALSE(c.replace_peers);
    CHECK(c.peers.size() == 3);
    for (const PeerChange& p : c.peers) CHECK(p.remove);
  }
  SECTION("a peer listed twice is a caller error") {
    DesiredInterface want = d;
    want.peers.push_back(d.peers[0]);
    CHECK_THROWS_AS(plan(want, same), Error);
  }
}

TEST_CASE("plan: applying the plan reaches the desired state", "[plan]") {
  DesiredInterface want = base();
  want.peers.push_back(test_peer(9));
  want.peers[0].allowed_ips = {Cidr::parse("10.50.0.0/16")};
  DeviceSnapshot snap = snapshot_of(base());
  snap.peers.push_back(state_of(test_peer(77)));
  snap.listen_port = 4000;
  apply_change(snap, plan(want, snap));
  CHECK(canonical(snap) == canonical(want.peers));
  CHECK(snap.listen_port == want.listen_port);
  CHECK(plan(want, snap).empty());
}

TEST_CASE("plan: incremental upsert and remove", "[plan]") {
  PeerConfig peer = test_peer(4);
  peer.persistent_keepalive = 15;
  const DeviceChange up = plan_upsert(peer);
  REQUIRE(up.peers.size() == 1);
  CHECK_FALSE(up.private_key);
  CHECK_FALSE(up.listen_port);
  CHECK_FALSE(up.peers[0].update_only);
  CHECK(up.peers[0].replace_allowed_ips);
  CHECK(up.peers[0].preshared_key->is_zero());
  CHECK(up.peers[0].persistent_keepalive == std::optional<std::uint16_t>(15));

  DeviceSnapshot snap;
  apply_change(snap, up);
  apply_change(snap, up);  // idempotent
  CHECK(canonical(snap) == canonical({peer}));

  const DeviceChange rm = plan_remove(peer.public_key);
  REQUIRE(rm.peers.size() == 1);
  CHECK(rm.peers[0].remove);
  apply_change(snap, rm);
  CHECK(snap.peers.empty());
}

TEST_CASE("plan: apply_change follows WireGuard's rules", "[plan]") {
  DeviceSnapshot snap;
  apply_change(snap, plan_upsert(test_peer(1)));
  SECTION("update_only does not create") {
    DeviceChange c = plan_upsert(test_peer(2));
    c.peers[0].update_only = true;
    apply_change(snap, c);
    CHECK(snap.peers.size() == 1);
  }
  SECTION("an allowed IP moves to the peer that claims it last") {
    PeerConfig other = test_peer(2);
    other.allowed_ips = {test_peer(1).allowed_ips[0]};
    apply_change(snap, plan_upsert(other));
    REQUIRE(snap.peers.size() == 2);
    CHECK(snap.peers[0].config.allowed_ips.size() == 1);
    CHECK(snap.peers[1].config.allowed_ips == other.allowed_ips);
  }
  SECTION("replace_peers and a zero private key clear") {
    DeviceChange c;
    c.replace_peers = true;
    c.private_key = SecretKey{};
    snap.private_key = test_secret(5);
    apply_change(snap, c);
    CHECK(snap.peers.empty());
    CHECK_FALSE(snap.private_key);
  }
}
