#pragma once

#include <functional>
#include <optional>

#include "picket/controller/api.hpp"
#include "picket/controller/firewall_policy.hpp"

namespace picket::controller::api {

// The firewall's API, in front of the resource routes:
//   GET|PUT /api/v1/members/{m}/devices/{d}/access  {restricted_to: [CIDR…]|null, group: name|null}
//   GET|PUT /api/v1/firewall                         {member_to_member: bool}
//   POST    /api/v1/members/{m}/devices             also takes restricted_to and group, stored in
//                                                    the same transaction that creates the device
// Returns nullopt for any other request, which `next` then serves.
std::optional<ApiResponse> handle_firewall_request(
    FirewallPolicy& policy, const ApiRequest& request,
    const std::function<ApiResponse(const ApiRequest&)>& next);

}  // namespace picket::controller::api
