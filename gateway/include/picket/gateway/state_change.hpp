#pragma once

#include "picket/gateway/state.hpp"

namespace picket::gateway {

// `state` with `change` applied, as GatewayNode applies it: removals before
// puts, a put replacing the peer with the same public key, unknown removals
// ignored. The agent keeps this in memory only, to fail closed from and to
// rebuild the node from; it is never written anywhere. Pure.
GatewayState with_change(GatewayState state, const GatewayChange& change);

// Whether the gateway host `host` serves `peer` (NodePeer::hosts).
bool serves(const NodePeer& peer, const std::string& host);
// What the host `host` is to hold of `state`: the peers it serves, each
// without its hosts. Pure.
GatewayState for_host(GatewayState state, const std::string& host);
// What the host `host` is to apply of `change`: a put of a peer it does not
// serve becomes a removal of that key (the peer may have been moved off
// it; an unknown removal is ignored), and every put loses its hosts. Pure.
GatewayChange for_host(const GatewayChange& change, const std::string& host);

}  // namespace picket::gateway
