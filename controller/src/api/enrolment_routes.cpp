// Routes where an admin proves a new authenticator app: confirming the first
// admin's setup, and root's recovery links for an admin who lost a factor
// (auth/enrolment.cpp holds the rules).
#include <nlohmann/json.hpp>

#include "api/account_replies.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "auth/accounts.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

const char* kind_name(auth::ResetKind kind) {
  return kind == auth::ResetKind::password ? "password" : "totp";
}

ApiResponse confirm_setup(RouteCall& call) {
  RequestBody body(call.request.body, {"setup_token", "totp"});
  const auto result = call.accounts().confirm_setup(
      body.required_string("setup_token"), body.required_string("totp"), call.request.source);
  call.caller.name = result.admin.username;
  call.audit("admin.setup", "admin " + result.admin.username);
  return logged_in(call, result);
}

// Root only: a one-time link for an admin who lost the password or the
// authenticator app.
ApiResponse reset_link(RouteCall& call) {
  RequestBody body(call.request.body, {"what"});
  const auto what = body.required_string("what");
  if (what != "password" && what != "totp")
    throw std::invalid_argument("field 'what' must be \"password\" or \"totp\"");
  const auto kind = what == "password" ? auth::ResetKind::password : auth::ResetKind::totp;
  const auto link = call.accounts().issue_reset(call.param("admin"), kind);
  call.audit(
      kind == auth::ResetKind::password ? "admin.reset_password_link" : "admin.reset_totp_link",
      "admin " + link.username);
  return reply(201, json{{"url", call.context.ui_url + "#/recover?token=" + link.token},
                         {"token", link.token},
                         {"admin", link.username},
                         {"what", kind_name(kind)},
                         {"expires_at", link.expires_at}});
}

ApiResponse recovery_info(RouteCall& call) {
  RequestBody body(call.request.body, {"token"});
  const auto link = call.accounts().reset_info(body.required_string("token"), call.request.source);
  return reply(200, json{{"admin", link.username},
                         {"what", kind_name(link.kind)},
                         {"expires_at", link.expires_at}});
}

ApiResponse recovery_password(RouteCall& call) {
  RequestBody body(call.request.body, {"token", "password"});
  const auto username = call.accounts().reset_password(
      body.required_string("token"), body.required_string("password"), call.request.source);
  call.caller.name = username;
  call.audit("admin.reset_password", "admin " + username);
  return reply(200, json{{"admin", username}, {"password_changed", true}});
}

ApiResponse recovery_totp(RouteCall& call) {
  RequestBody body(call.request.body, {"token", "password"});
  const auto enrollment = call.accounts().start_totp_reset(
      body.required_string("token"), body.required_string("password"), call.request.source);
  return reply(200, to_json(enrollment));
}

ApiResponse recovery_totp_confirm(RouteCall& call) {
  RequestBody body(call.request.body, {"token", "totp"});
  const auto result = call.accounts().confirm_totp_reset(
      body.required_string("token"), body.required_string("totp"), call.request.source);
  call.caller.name = result.admin.username;
  call.audit("admin.reset_totp", "admin " + result.admin.username);
  return logged_in(call, result);
}

constexpr Route kRoutes[] = {
    {"POST", "/setup/confirm", confirm_setup, Access::open},
    {"POST", "/admins/{admin}/reset-link", reset_link, Access::unix_only},
    {"POST", "/recovery", recovery_info, Access::open},
    {"POST", "/recovery/password", recovery_password, Access::open},
    {"POST", "/recovery/totp", recovery_totp, Access::open},
    {"POST", "/recovery/totp/confirm", recovery_totp_confirm, Access::open},
};

}  // namespace

std::span<const Route> enrolment_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
