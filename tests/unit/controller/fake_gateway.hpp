#pragma once

// A GatewayNode on the fake backend behind the link picketd uses, which
// also records the names the gateway was told about (the fake has no
// resolver) and can be told to refuse puts, as a refusing firewall would.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/local_gateway_link.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/fake_backend.hpp"
#include "picket/gateway/node.hpp"

namespace picket::controller::test {

class FakeGateway : public GatewayLink {
 public:
  explicit FakeGateway(const std::string& name = "fake0")
      : FakeGateway(std::make_unique<gateway::FakeBackend>(name)) {}

  gateway::FakeBackend& backend;
  bool refuse_puts = false;
  // Whether the domain sees a firewall. The node has none, so access fields
  // reach no nft table: enough for the routes' validation and answers.
  bool firewall = false;
  // Set: the link stands for a controller's fleet with these gateway hosts.
  std::optional<std::vector<GatewayEndpoint>> endpoints;
  // The gateway hosts each peer was last sent for (NodePeer::hosts).
  std::map<gateway::Key, std::optional<std::vector<std::string>>> hosts;

  // "member/device" of every peer the gateway holds.
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& [key, name] : names_) {
      const auto dot = name.find('.');
      out.insert(name.substr(dot + 1) + "/" + name.substr(0, dot));
    }
    return out;
  }

  gateway::NodeReport apply(const gateway::GatewayState& state) override {
    auto report = link_.apply(state);
    names_.clear();
    hosts.clear();
    for (const auto& peer : state.peers) {
      names_[peer.wireguard.public_key] = peer.dns_name;
      hosts[peer.wireguard.public_key] = peer.hosts;
    }
    return report;
  }
  void apply(const gateway::GatewayChange& change) override {
    if (refuse_puts && !change.put.empty()) throw gateway::Error("refused by the test");
    link_.apply(change);
    for (const auto& key : change.remove) {
      names_.erase(key);
      hosts.erase(key);
    }
    for (const auto& peer : change.put) {
      names_[peer.wireguard.public_key] = peer.dns_name;
      hosts[peer.wireguard.public_key] = peer.hosts;
    }
  }
  std::optional<std::vector<GatewayEndpoint>> client_endpoints() const override {
    return endpoints;
  }
  void rotate_key(const gateway::SecretKey& next) override { link_.rotate_key(next); }
  void teardown() override { link_.teardown(); }
  gateway::DeviceSnapshot read() override { return link_.read(); }
  bool has_firewall() const override { return firewall; }
  bool has_resolver() const override { return false; }
  gateway::BlocklistSummary reload_blocklists() override { return link_.reload_blocklists(); }
  gateway::BlocklistSummary blocklists() const override { return link_.blocklists(); }
  gateway::dns::ResolverStats dns_stats() const override { return link_.dns_stats(); }
  bool dns_over_tls_available() const override { return link_.dns_over_tls_available(); }

 private:
  explicit FakeGateway(std::unique_ptr<gateway::FakeBackend> owned)
      : backend(*owned), node_(options(std::move(owned))), link_(node_) {}
  static gateway::NodeOptions options(std::unique_ptr<gateway::FakeBackend> backend) {
    gateway::NodeOptions options;
    options.backend = std::move(backend);
    return options;
  }

  gateway::GatewayNode node_;
  LocalGatewayLink link_;
  std::map<gateway::Key, std::string> names_;
};

}  // namespace picket::controller::test
