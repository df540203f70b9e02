#pragma once

#include <memory>

#include "daemon/options.hpp"
#include "picket/controller/model.hpp"
#include "picket/gateway/node.hpp"

namespace picket::controller {

gateway::BackendChoice backend_choice(const DaemonOptions& options);

// The in-process gateway as picketd's flags and the stored settings want it:
// the WireGuard backend, the firewall (uplink found now), forwarding, and
// the resolver bound to the tunnel addresses. Throws with a clear message
// (an unknown uplink, a sysctl that cannot be written, a DNS port that
// cannot be bound) before the interface is touched. Logs what it set up.
std::unique_ptr<gateway::GatewayNode> make_gateway_node(const DaemonOptions& options,
                                                        const Settings& settings);

}  // namespace picket::controller
