#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/request_body.hpp"

namespace picket::controller::api {

// More gateway names than any fleet has is a mistake, not a request.
constexpr std::size_t kMaxAssignedGateways = 64;

// null: every gateway; else the names.
nlohmann::json assignment_json(const std::optional<std::vector<std::string>>& gateways);
// The body's "assigned_gateways" (absent or null: every gateway). The
// Service checks the names.
std::optional<std::vector<std::string>> assignment_from(const RequestBody& body);

}  // namespace picket::controller::api
