#pragma once

#include "domain/gateway_link.hpp"
#include "picket/gateway/node.hpp"

namespace picket::controller {

// The GatewayNode in picketd's own process, on the same thread.
class LocalGatewayLink : public GatewayLink {
 public:
  explicit LocalGatewayLink(gateway::GatewayNode& node) : node_(node) {}

  gateway::NodeReport apply(const gateway::GatewayState& state) override {
    return node_.apply(state);
  }
  void apply(const gateway::GatewayChange& change) override { node_.apply(change); }
  void rotate_key(const gateway::SecretKey& next) override { node_.rotate_key(next); }
  void teardown() override { node_.teardown(); }
  gateway::DeviceSnapshot read() override { return node_.read(); }
  bool has_firewall() const override { return node_.has_firewall(); }
  bool has_resolver() const override { return node_.has_resolver(); }
  gateway::BlocklistSummary reload_blocklists() override { return node_.reload_blocklists(); }
  gateway::BlocklistSummary blocklists() const override { return node_.blocklists(); }
  gateway::dns::ResolverStats dns_stats() const override { return node_.dns_stats(); }
  bool dns_over_tls_available() const override { return gateway::dns::dns_over_tls_available(); }

 private:
  gateway::GatewayNode& node_;
};

}  // namespace picket::controller
