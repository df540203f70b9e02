// Routes for admin accounts, sessions, the audit trail and the API's own
// description. Resource routes are in resource_routes.cpp.
#include <nlohmann/json.hpp>

#include "api/account_replies.hpp"
#include "api/gate.hpp"
#include "api/listing.hpp"
#include "api/openapi.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "auth/accounts.hpp"
#include "store/audit_store.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

json to_json(const auth::AdminInfo& admin) {
  return {{"id", admin.id},
          {"username", admin.username},
          {"created_at", admin.created_at},
          {"recovery_codes_left", admin.recovery_codes_left}};
}

}  // namespace

json session_json(const auth::AdminInfo& admin, const std::string& csrf,
                  std::int64_t idle_timeout) {
  return {{"admin", {{"id", admin.id}, {"username", admin.username}}},
          {"csrf_token", csrf},
          {"idle_timeout_seconds", idle_timeout},
          {"absolute_timeout_seconds", auth::SessionTable::kAbsoluteTimeout}};
}

json to_json(const auth::Enrollment& enrollment) {
  return {{"admin", to_json(enrollment.admin)},
          {"totp_secret", enrollment.totp_secret},
          {"otpauth_uri", enrollment.otpauth_uri},
          {"recovery_codes", enrollment.recovery_codes}};
}

ApiResponse logged_in(RouteCall& call, const auth::LoginResult& result) {
  auto response =
      reply(200, session_json(result.admin, result.csrf_token, call.accounts().idle_timeout()));
  response.headers.emplace_back("Set-Cookie",
                                session_set_cookie(result.session_token, call.request.tls));
  return response;
}

namespace {

void require_admin(const RouteCall& call) {
  if (!call.caller.admin_id) {
    throw ApiError(400, "no_session",
                   "this route is about an admin's own session; the unix socket has none");
  }
}

ApiResponse setup_status(RouteCall& call) {
  const auto& token = call.accounts().setup_token();
  const auto url = token ? json(call.context.ui_url + "#/setup?token=" + *token) : json(nullptr);
  return reply(200, json{{"setup_token", token ? json(*token) : json(nullptr)},
                         {"url", url},
                         {"admins", call.accounts().list().size()}});
}

ApiResponse setup(RouteCall& call) {
  RequestBody body(call.request.body, {"setup_token", "username", "password"});
  auto enrollment =
      call.accounts().setup(body.required_string("setup_token"), body.required_string("username"),
                            body.required_string("password"), call.request.source);
  // Nothing is stored yet, so nothing is audited: the admin exists once a
  // code confirms it (POST /setup/confirm, or its first login).
  return reply(201, api::to_json(enrollment));
}

// Failed logins and the lockout they cause go into the audit trail, under
// the admin's name when it is one (a typed unknown name may be a password
// typed into the wrong field, so it is not kept). No source address.
auth::LoginResult login_audited(RouteCall& call, const auth::Credentials& credentials) {
  try {
    return call.accounts().login(credentials);
  } catch (const auth::LoginFailed&) {
    if (call.context.audit != nullptr) {
      const bool known = call.accounts().has_admin(credentials.username);
      const std::string actor = known ? credentials.username : "(unknown username)";
      const std::string target = known ? "admin " + credentials.username : "no such admin";
      call.context.audit->record(actor, "admin.login_failed", target);
      if (const auto wait =
              call.accounts().login_blocked_for(credentials.username, credentials.source))
        call.context.audit->record(actor, "admin.locked_out",
                                   target + " (" + std::to_string(wait) + " s)");
    }
    throw;
  }
}

ApiResponse login(RouteCall& call) {
  RequestBody body(call.request.body, {"username", "password", "totp", "recovery_code"});
  auth::Credentials credentials;
  credentials.username = body.required_string("username");
  credentials.password = body.required_string("password");
  credentials.totp = body.optional_string("totp");
  credentials.recovery_code = body.optional_string("recovery_code");
  credentials.source = call.request.source;
  if (!credentials.totp && !credentials.recovery_code)
    throw std::invalid_argument("field 'totp' (or 'recovery_code') is required");
  // Any session cookie the client brought is ignored and replaced: a token
  // planted before login never becomes a logged-in session (fixation).
  const auto result = login_audited(call, credentials);
  call.caller.name = result.admin.username;
  if (result.first_admin_created) call.audit("admin.setup", "admin " + result.admin.username);
  call.audit(credentials.totp ? "admin.login" : "admin.login_recovery_code",
             "admin " + result.admin.username);
  return logged_in(call, result);
}

ApiResponse current_session(RouteCall& call) {
  require_admin(call);
  auto view = call.accounts().authenticate(call.caller.session_token, !call.request.background);
  if (!view) throw ApiError(401, "unauthenticated", "the session has ended; log in again");
  auth::AdminInfo admin{*call.caller.admin_id, call.caller.name, 0, 0};
  return reply(200, session_json(admin, view->csrf_token, call.accounts().idle_timeout()));
}

ApiResponse logout(RouteCall& call) {
  require_admin(call);
  call.accounts().logout(call.caller.session_token);
  auto response = reply(200, json{{"logged_out", true}});
  response.headers.emplace_back("Set-Cookie", session_clear_cookie(call.request.tls));
  return response;
}

ApiResponse logout_everywhere(RouteCall& call) {
  require_admin(call);
  call.accounts().logout_everywhere(*call.caller.admin_id);
  call.audit("admin.logout_everywhere", "admin " + call.caller.name);
  auto response = reply(200, json{{"logged_out", true}});
  response.headers.emplace_back("Set-Cookie", session_clear_cookie(call.request.tls));
  return response;
}

ApiResponse list_admins(RouteCall& call) {
  Query(call.target.query, {});
  json out = json::array();
  for (const auto& admin : call.accounts().list()) out.push_back(to_json(admin));
  return reply(200, json{{"admins", out}});
}

ApiResponse add_admin(RouteCall& call) {
  // "password" is the acting admin's own (Access::password); the new
  // admin's is "new_password".
  RequestBody body(call.request.body, {"username", "new_password"});
  auto enrollment = call.accounts().create_admin(body.required_string("username"),
                                                 body.required_string("new_password"));
  call.audit("admin.add", "admin " + enrollment.admin.username);
  return reply(201, api::to_json(enrollment));
}

ApiResponse remove_admin(RouteCall& call) {
  call.accounts().remove_admin(call.param("admin"));
  call.audit("admin.remove", "admin " + call.param("admin"));
  return reply(200, json{{"removed", true}});
}

// Root's way out of a lockout: the failure counts of one admin (and of the
// server's own addresses) start again from zero.
ApiResponse unlock_admin(RouteCall& call) {
  RequestBody body(call.request.body, {});
  call.accounts().unlock(call.param("admin"));
  call.audit("admin.unlock", "admin " + call.param("admin"));
  return reply(200, json{{"unlocked", true}});
}

AuditStore& audit_of(RouteCall& call) {
  if (call.context.audit == nullptr)
    throw ApiError(503, "audit_unavailable", "the audit trail is not available here");
  return *call.context.audit;
}

ApiResponse list_audit(RouteCall& call) {
  const Query query(call.target.query, {"actor", "q", "limit", "offset"});
  const auto page = Page::from(query);
  AuditQuery filter{query.text("actor"), query.text("q"), page.offset, page.limit};
  auto& audit = audit_of(call);
  json out = json::array();
  for (const auto& entry : audit.list(filter)) {
    out.push_back({{"id", entry.id},
                   {"at", entry.at},
                   {"actor", entry.actor},
                   {"action", entry.action},
                   {"target", entry.target}});
  }
  return reply(200, page.wrap("entries", std::move(out), audit.count(filter)));
}

ApiResponse audit_settings(RouteCall& call) {
  return reply(200, json{{"retention_days", audit_of(call).retention_days()}});
}

ApiResponse change_audit_settings(RouteCall& call) {
  RequestBody body(call.request.body, {"retention_days"});
  const auto days = body.optional_integer("retention_days", 1, 3650);
  if (!days) throw std::invalid_argument("field 'retention_days' is required");
  audit_of(call).set_retention_days(static_cast<int>(*days));
  call.audit("audit.retention", "audit retention " + std::to_string(*days) + " days");
  return audit_settings(call);
}

ApiResponse openapi(RouteCall&) {
  ApiResponse response;
  response.body = std::string(openapi_document());
  return response;
}

constexpr Route kRoutes[] = {
    {"GET", "/setup", setup_status, Access::unix_only},
    {"POST", "/setup", setup, Access::open},
    {"POST", "/session", login, Access::open},
    {"GET", "/session", current_session},
    {"DELETE", "/session", logout},
    {"DELETE", "/sessions", logout_everywhere},
    {"GET", "/admins", list_admins},
    {"POST", "/admins", add_admin, Access::password},
    {"DELETE", "/admins/{admin}", remove_admin, Access::password},
    {"POST", "/admins/{admin}/unlock", unlock_admin, Access::unix_only},
    {"GET", "/audit", list_audit},
    {"GET", "/audit/settings", audit_settings},
    // A shorter retention deletes entries at once.
    {"PUT", "/audit/settings", change_audit_settings, Access::password},
    {"GET", "/openapi.json", openapi},
};

}  // namespace

std::span<const Route> account_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
