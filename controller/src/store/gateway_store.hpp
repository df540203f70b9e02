#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/store.hpp"

namespace picket::controller {

// A gateway host the controller drives: the name an admin gave it and the
// pin of its channel key. Nothing about where it runs is stored; the
// gateway dials in.
struct GatewayRecord {
  std::string name;
  std::string pin;
  std::int64_t created_at = 0;
};

std::vector<GatewayRecord> list_gateways(Store& store);
// Throws ConflictError when the name or the pin is taken.
void insert_gateway(Store& store, const GatewayRecord& gateway);
// False when no gateway has that name.
bool delete_gateway(Store& store, const std::string& name);

// The controller's channel key (an Ed25519 seed), made on the first start
// of the controller role. The caller wipes what it is given.
using ChannelSeed = std::array<std::uint8_t, 32>;
std::optional<ChannelSeed> load_channel_seed(Store& store);
void save_channel_seed(Store& store, const ChannelSeed& seed);

}  // namespace picket::controller
