#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "picket/controller/model.hpp"

namespace picket::controller::api {

nlohmann::json to_json(const DeviceAccess& access);
// The access fields of `body` over `current`: absent fields keep their
// value, null clears them. Validated (std::invalid_argument).
DeviceAccess access_from(const RequestBody& body, DeviceAccess current);

// GET/PUT /firewall and /members/{member}/devices/{device}/access. They
// exist only while picketd runs its firewall (404 otherwise).
std::span<const Route> access_routes();

}  // namespace picket::controller::api
