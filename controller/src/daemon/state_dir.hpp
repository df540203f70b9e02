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

// Creates `dir` if needed and makes it mode 0700. Throws std::system_error.
void ensure_private_dir(const std::filesystem::path& dir);

// The settings of a first start, from the seeding options; throws
// std::invalid_argument naming the bad option.
Settings initial_settings(const DaemonOptions& options, const gateway::Key& public_key);

}  // namespace picket::controller
