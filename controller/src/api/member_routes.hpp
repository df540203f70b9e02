#pragma once

#include <nlohmann/json.hpp>

#include "api/route_table.hpp"

namespace picket::controller::api {

// Adds to each member of a GET /members page (objects with "id") what the
// members view shows: "devices" (how many), "devices_enabled", and
// "last_handshake", the newest handshake of any of its devices as the
// interface reports it now (0: none since the interface came up). Live,
// from memory; never stored.
void add_device_summary(RouteCall& call, nlohmann::json& members);

}  // namespace picket::controller::api
