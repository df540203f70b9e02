#pragma once

#include <map>
#include <optional>
#include <vector>

#include "picket/controller/model.hpp"
#include "picket/gateway/state.hpp"

namespace picket::controller {

// How the domain reaches the data plane. picketd wires a LocalGatewayLink
// (the GatewayNode in the same process); a link to gateways on other hosts
// is the same interface. Every call throws gateway::Error when the data
// plane refuses, with the GatewayNode's guarantees (gateway/node.hpp).
class GatewayLink {
 public:
  virtual ~GatewayLink() = default;
  // Whole state: at start and at every drift repair.
  virtual gateway::NodeReport apply(const gateway::GatewayState& state) = 0;
  virtual void apply(const gateway::GatewayChange& change) = 0;
  virtual void rotate_key(const gateway::SecretKey& next) = 0;
  // Peers, interface, then the table; afterwards apply() refuses.
  virtual void teardown() = 0;
  // Live peers and counters (never stored).
  virtual gateway::DeviceSnapshot read() = 0;
  // The figures of the last read() per gateway host, by device key, the
  // latest handshake first. A data plane in this process has none.
  virtual std::map<gateway::Key, std::vector<GatewayPeerStats>> read_by_gateway() { return {}; }

  virtual bool has_firewall() const = 0;
  virtual bool has_resolver() const = 0;
  virtual gateway::BlocklistSummary reload_blocklists() = 0;
  virtual gateway::BlocklistSummary blocklists() const = 0;
  virtual gateway::dns::ResolverStats dns_stats() const = 0;
  // Whether the resolver can forward over TLS (Debian 12's libunbound cannot).
  virtual bool dns_over_tls_available() const = 0;
  // Per gateway host, how the changes since the last call went (the last
  // one's answers), or nullopt when nothing was sent since. A data plane in
  // this process has none: its apply() worked or threw.
  virtual std::optional<std::vector<GatewayAnswer>> take_answers() { return std::nullopt; }
  // The gateway hosts members dial, each with its own endpoint and key, by
  // name (empty: none enrolled yet). A data plane in this process has none
  // (nullopt): the settings say it.
  virtual std::optional<std::vector<GatewayEndpoint>> client_endpoints() const {
    return std::nullopt;
  }
};

}  // namespace picket::controller
