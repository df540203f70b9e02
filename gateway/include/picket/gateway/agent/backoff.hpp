#pragma once

#include <chrono>

namespace picket::gateway::agent {

// How long to wait before dialing the controller again.
struct Backoff {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds cap{30'000};
};

// The wait before retry number `attempt` (0 = the first retry): `first`
// doubled per attempt up to `cap`, then scaled into [1/2, 1] of that by
// `random01` (0 to 1), so that the gateways a controller restart dropped
// do not all dial it again in the same instant. Pure.
std::chrono::milliseconds backoff_delay(const Backoff& backoff, unsigned attempt, double random01);

}  // namespace picket::gateway::agent
