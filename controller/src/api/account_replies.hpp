#pragma once

#include <nlohmann/json.hpp>

#include "api/route_table.hpp"
#include "auth/accounts.hpp"

namespace picket::controller::api {

// Shared by the account routes and the enrolment routes (account_routes.cpp).
nlohmann::json session_json(const auth::AdminInfo& admin, const std::string& csrf,
                            std::int64_t idle_timeout);
nlohmann::json to_json(const auth::Enrollment& enrollment);
// 200 with the session's JSON and its Set-Cookie.
ApiResponse logged_in(RouteCall& call, const auth::LoginResult& result);

}  // namespace picket::controller::api
