// GatewayNode's failure paths, which only the fake can force, and its
// firewall table against the real nftables of a throw-away namespace
// (tagged [root]; run through tests/integration/netns_run.sh).
#include "picket/gateway/node.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "node_suite.hpp"
#include "picket/gateway/dns/resolver.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/fake_backend.hpp"
#include "picket/gateway/firewall.hpp"
#include "shell.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;

namespace {

// The resolver's zone without sockets or libunbound: what the node puts in
// it is what members would be answered from.
class ZoneOnlyResolver final : public dns::Resolver {
 public:
  dns::LocalZone& local_zone() override { return zone; }
  void set_blocklist(dns::Blocklist) override {}
  void set_block_answer(dns::BlockAnswer) override {}
  void set_upstream(const dns::UpstreamConfig&) override {}
  std::vector<std::uint16_t> bound_ports() const override { return {}; }
  dns::ResolverStats stats() const override { return {}; }

  dns::LocalZone zone;
};

struct FakeNode {
  FakeBackend* fake = nullptr;
  ZoneOnlyResolver* resolver = nullptr;
  std::unique_ptr<GatewayNode> node;

  explicit FakeNode(std::optional<FirewallConfig> firewall = std::nullopt,
                    const std::string& name = "fakenode0", bool with_resolver = false) {
    auto backend = std::make_unique<FakeBackend>(name);
    fake = backend.get();
    NodeOptions options;
    options.backend = std::move(backend);
    options.firewall = std::move(firewall);
    if (with_resolver) {
      auto made = std::make_unique<ZoneOnlyResolver>();
      resolver = made.get();
      options.resolver = std::move(made);
    }
    node = std::make_unique<GatewayNode>(std::move(options));
  }
};

FirewallConfig node_firewall(const std::string& tunnel) {
  FirewallConfig c;
  c.tunnel_interface = tunnel;
  c.uplink = "lo";
  // As picketd makes it; the node follows the link's addresses after that.
  c.ipv4_subnet = Cidr::parse("10.77.0.0/16");
  c.ipv6_subnet = Cidr::parse("fd77:77::/64");
  c.gateway_ipv4 = IpAddress::parse("10.77.0.1");
  c.gateway_ipv6 = IpAddress::parse("fd77:77::1");
  return c;
}

// Devices that reach only 192.0.2.0/24: they appear in the table's sets, so
// the listing shows which devices the table knows.
GatewayState restricted_state(unsigned peers) {
  GatewayState state = node_state(peers);
  for (auto& peer : state.peers)
    peer.firewall.restricted_to = std::vector{Cidr::parse("192.0.2.0/24")};
  return state;
}

}  // namespace

TEST_CASE("node: a change WireGuard refuses changes nothing", "[node][fake]") {
  FakeNode f;
  f.node->apply(node_state(2));
  const auto before = canonical(f.fake->read());

  GatewayChange change;
  change.put = {node_peer(5)};
  change.remove = {node_peer(0).wireguard.public_key};
  f.fake->fail_operation(1);
  CHECK_THROWS_AS(f.node->apply(change), Error);
  CHECK(canonical(f.fake->read()) == before);

  // Nothing is stuck: the same change goes through afterwards.
  f.node->apply(change);
  CHECK(canonical(f.fake->read()) == wireguard_of({node_peer(1), node_peer(5)}));
}

TEST_CASE("node: a teardown whose peers cannot be removed says so", "[node][fake]") {
  FakeNode f;
  f.node->apply(node_state(2));
  // interface_exists, then the apply that empties the peers: that one fails.
  f.fake->fail_operation(2);
  CHECK_THROWS_AS(f.node->teardown(), Error);
  CHECK(f.fake->interface_exists());
  // Torn down all the same: nothing may put peers back.
  CHECK(f.node->torn_down());
  CHECK_THROWS_AS(f.node->apply(node_state(2)), Error);
}

TEST_CASE("node: the zone follows the peers, and opens only when allowed", "[node][fake]") {
  FakeNode f(std::nullopt, "fakenode2", true);
  auto& zone = f.resolver->zone;
  GatewayState state = node_state(3);
  f.node->apply(state);
  CHECK(zone.size() == 3);
  CHECK_FALSE(zone.open());

  // A reissue keeps the name under the new key; a removal takes it away.
  NodePeer reissued = node_peer(1);
  reissued.wireguard.public_key = test_key(91);
  GatewayChange change;
  change.remove = {node_peer(1).wireguard.public_key, node_peer(2).wireguard.public_key};
  change.put = {reissued};
  f.node->apply(change);
  CHECK(zone.size() == 2);

  // Member-to-member traffic opens the directory; isolation closes it again.
  GatewayChange open;
  open.member_to_member = true;
  f.node->apply(open);
  CHECK(zone.open());
  GatewayChange closed;
  closed.member_to_member = false;
  f.node->apply(closed);
  CHECK_FALSE(zone.open());

  // The whole state replaces the zone, names and all.
  f.node->apply(node_state(1));
  CHECK(zone.size() == 1);
}

TEST_CASE("node: a put the zone refuses takes its peer off WireGuard again", "[node][fake]") {
  FakeNode f(std::nullopt, "fakenode3", true);
  f.node->apply(node_state(1));
  // A new peer whose name would take an address the zone already gives to
  // d0.m (its WireGuard addresses are its own).
  NodePeer clash = node_peer(5);
  clash.firewall = node_peer(0).firewall;
  clash.dns_name = "other.m";
  GatewayChange change;
  change.put = {clash};
  CHECK_THROWS_AS(f.node->apply(change), Error);
  // Fail closed: the new key holds no peer, the old one still works.
  CHECK(canonical(f.fake->read()) == wireguard_of({node_peer(0)}));
  CHECK(f.resolver->zone.size() == 1);
}

TEST_CASE("node: a refused change to a working peer gives it its old entry back", "[node][fake]") {
  FakeNode f(std::nullopt, "fakenode6", true);
  f.node->apply(node_state(2));
  // An update of d1 (a keepalive for WireGuard) whose name would take d0's
  // address: the zone refuses it after WireGuard took the update.
  NodePeer update = node_peer(1);
  update.wireguard.persistent_keepalive = 25;
  update.firewall = node_peer(0).firewall;
  update.dns_name = "renamed.m";
  GatewayChange change;
  change.put = {update};
  CHECK_THROWS_AS(f.node->apply(change), Error);
  // d1 keeps working as it was: on WireGuard with its old entry, its old
  // name in the zone. Before, the refusal took it off until the next apply.
  CHECK(canonical(f.fake->read()) == wireguard_of({node_peer(0), node_peer(1)}));
  CHECK(f.resolver->zone.size() == 2);
  // The node remembers the old entry too: removing d1 takes its name away.
  GatewayChange remove;
  remove.remove = {node_peer(1).wireguard.public_key};
  f.node->apply(remove);
  CHECK(f.resolver->zone.size() == 1);
}

TEST_CASE("node: nothing without a backend", "[node]") {
  CHECK_THROWS_AS(GatewayNode(NodeOptions{}), Error);
}

TEST_CASE("node: the firewall table lives and goes with the peers", "[root]") {
  const std::string table = firewall_table_name("fwnode0");
  shell("nft delete table inet " + table);
  FakeNode f(node_firewall("fwnode0"), "fwnode0");
  f.node->apply(restricted_state(2));
  std::string listed = shell("nft list table inet " + table);
  CHECK(listed.find("10.77.0.2") != std::string::npos);
  CHECK(listed.find("10.77.0.3") != std::string::npos);

  GatewayChange change;
  change.remove = {node_peer(0).wireguard.public_key};
  f.node->apply(change);
  listed = shell("nft list table inet " + table);
  CHECK(listed.find("10.77.0.2") == std::string::npos);
  CHECK(listed.find("10.77.0.3") != std::string::npos);

  f.node->teardown();
  CHECK(shell("nft list table inet " + table).find("No such file") != std::string::npos);
  CHECK_FALSE(f.fake->interface_exists());
}

TEST_CASE("node: peers that stay keep the table (never peers without rules)", "[root]") {
  const std::string table = firewall_table_name("fwnode1");
  shell("nft delete table inet " + table);
  FakeNode f(node_firewall("fwnode1"), "fwnode1");
  f.node->apply(restricted_state(2));
  f.fake->fail_operation(2);
  CHECK_THROWS_AS(f.node->teardown(), Error);
  CHECK(f.fake->read().peers.size() == 2);
  CHECK(f.node->table_kept());
  CHECK(shell("nft list table inet " + table).find("10.77.0.3") != std::string::npos);
  shell("nft delete table inet " + table);
}
