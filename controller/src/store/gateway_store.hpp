#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/store.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller {

// A gateway host the controller drives: the name an admin gave it, the pin
// of its channel key, where members dial it and its WireGuard private key
// (pushed to it at each connect, never kept on its disk). The gateway dials
// in: the endpoint is what members use, not how the controller reaches it.
struct GatewayRecord {
  std::string name;
  std::string pin;
  std::int64_t created_at = 0;
  std::string endpoint;              // host:port; empty before migration 7
  gateway::SecretKey wireguard_key;  // zero before migration 7
};

std::vector<GatewayRecord> list_gateways(Store& store);
// Throws ConflictError when the name or the pin is taken.
void insert_gateway(Store& store, const GatewayRecord& gateway);
// For a gateway enrolled before it had a key of its own.
void set_gateway_wireguard_key(Store& store, const std::string& name,
                               const gateway::SecretKey& key);
// False when no gateway has that name.
bool delete_gateway(Store& store, const std::string& name);

// The controller's channel key (an Ed25519 seed), made on the first start
// of the controller role. The caller wipes what it is given.
using ChannelSeed = std::array<std::uint8_t, 32>;
std::optional<ChannelSeed> load_channel_seed(Store& store);
void save_channel_seed(Store& store, const ChannelSeed& seed);

}  // namespace picket::controller
