#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "picket/controller/store.hpp"
#include "picket/gateway/key.hpp"
#include "state/state_files.hpp"

namespace picket::controller {

// Where the state lives, and what a first start seeds the stored settings
// from (picketd's flags: DaemonOptions extends it). After the first start
// the database's settings count, not these.
struct StateSeed {
  std::filesystem::path state_dir = kDefaultStateDir;
  std::string interface_name = "picket0";
  std::uint16_t listen_port = 51820;
  std::string endpoint;
  std::string ipv4_subnet = "10.77.0.0/24";
  std::string ipv6_subnet = "fd77:77::/64";
};

// The state directory (0700) holds picket.db and gateway.key (both 0600).
struct State {
  std::unique_ptr<Store> store;
  gateway::SecretKey private_key;
  bool first_start = false;
};

// Opens (or on first start creates) the state. First start: generates the
// gateway key pair and stores settings seeded from `seed`, validated; a
// bad value throws std::invalid_argument and leaves nothing behind.
State open_state(const StateSeed& seed);

// Creates `dir` if needed and makes it mode 0700. Throws std::system_error.
void ensure_private_dir(const std::filesystem::path& dir);

// The settings of a first start, from the seeding options; throws
// std::invalid_argument naming the bad option.
Settings initial_settings(const StateSeed& seed, const gateway::Key& public_key);

}  // namespace picket::controller
