#pragma once

#include "picket/gateway/state.hpp"

namespace picket::gateway {

// `state` with `change` applied, as GatewayNode applies it: removals before
// puts, a put replacing the peer with the same public key, unknown removals
// ignored. The agent keeps this in memory only, to fail closed from and to
// rebuild the node from; it is never written anywhere. Pure.
GatewayState with_change(GatewayState state, const GatewayChange& change);

}  // namespace picket::gateway
