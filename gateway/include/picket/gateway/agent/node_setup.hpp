#pragma once

#include <cstdint>
#include <string>

#include "picket/gateway/agent/agent.hpp"
#include "picket/gateway/backend_selection.hpp"
#include "picket/gateway/channel/tls.hpp"

namespace picket::gateway::agent {

// What `picket-gateway run`'s flags say about the data plane. The rest
// (key, port, addresses, peers, DNS settings) comes from the controller.
struct NodeSetup {
  std::string interface_name = "picket0";
  BackendChoice backend;
  bool firewall = true;
  std::string uplink = "auto";  // auto (the default route's interface) | none | IFNAME
  bool forwarding = true;       // turn IPv4/IPv6 forwarding on while the node lives
  bool ipv6_routed = false;     // the IPv6 subnet is routed here: no NAT66
  bool dns = true;
  std::uint16_t dns_port = 53;
};

// The node as the flags want it, made when the first state names the
// link's addresses: the backend (select_backend), the firewall with the
// uplink found then, forwarding, and the resolver on the gateway's tunnel
// addresses. Throws Error with what to do before the interface is touched.
NodeFactory host_node_factory(NodeSetup setup, channel::LogFn info);

// An interface of this name at start was left by a run that did not end
// cleanly (a crash, a power cut): its peers may be long revoked and no
// lease guards them now, so they go before anything else, and the
// interface with them. Logs what it did; throws Error when they stay.
void remove_leftover_interface(const NodeSetup& setup, const channel::LogFn& info);

}  // namespace picket::gateway::agent
