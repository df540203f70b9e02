#pragma once

#include <filesystem>
#include <memory>

#include "daemon/options.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller {

// The state directory (0700) holds picket.db and gateway.key (both 0600).
struct State {
  std::unique_ptr<Store> store;
  gateway::SecretKey private_key;
  bool first_start = false;
};

// Opens (or on first start creates) the state. First start: generates the
// gateway key pair and stores settings seeded from `options`, validated; a
// bad value throws std::invalid_argument and leaves nothing behind.
State open_state(const DaemonOptions& options);

}  // namespace picket::controller
