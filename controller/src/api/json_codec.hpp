#pragma once

#include <nlohmann/json.hpp>

#include "picket/controller/service.hpp"

namespace picket::controller::api {

nlohmann::json to_json(const Member& member);
// With "gateways": the hosts members dial on a controller (empty on a
// single box).
nlohmann::json to_json(const Settings& settings, const std::vector<gateway::IpAddress>& dns,
                       const std::vector<GatewayEndpoint>& gateways);
nlohmann::json to_json(const GatewayEndpoint& gateway);
// A device as listed; never its preshared key.
nlohmann::json to_json(const DeviceStatus& status);
// What the admin's side needs to render the client config (includes the PSK).
nlohmann::json to_json(const ClientParameters& params);

}  // namespace picket::controller::api
