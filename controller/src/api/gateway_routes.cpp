// /api/v1/gateways: the gateway hosts a controller drives (picketd --role
// controller). Listing needs a session; enrolling and removing are root's,
// over the unix socket: a token is a credential until used, and removing a
// gateway is what an admin does on the controller when a gateway host is
// seized.
//   GET    /gateways         -> {"gateways": [{name, pin, endpoint, public_key,
//                                fingerprint, created_at, connected, current,
//                                applied, heard_seconds_ago}]}
//   POST   /gateways {"name", "endpoint", "valid_for"?} -> 201 {name, endpoint,
//                                token, expires_at, controller_pin, controller}
//   DELETE /gateways/{gateway} -> {"removed": true}; 404 gateway_not_found
#include <regex>

#include "api/gateway_hooks.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "picket/controller/validate.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

constexpr std::int64_t kDefaultValidFor = 60 * 60;
constexpr std::int64_t kMaxValidFor = 7 * 24 * 60 * 60;

GatewayHooks& hooks(RouteCall& call) {
  if (call.context.gateways == nullptr)
    throw ApiError(409, "not_controller",
                   "picketd runs as a single box; start it with --role controller to drive "
                   "gateway hosts");
  return *call.context.gateways;
}

// A gateway's name shows in logs and in members' config file names.
void check_name(const std::string& name) {
  static const std::regex kName("[a-z0-9][a-z0-9-]{0,31}");
  if (!std::regex_match(name, kName))
    throw std::invalid_argument(
        "field 'name' must be 1 to 32 characters: lowercase letters, digits and '-', starting "
        "with a letter or digit");
}

ApiResponse list_gateways(RouteCall& call) {
  json out = json::array();
  for (const auto& entry : hooks(call).list()) {
    json item{{"name", entry.name},
              {"pin", entry.pin},
              {"endpoint", entry.endpoint},
              {"public_key", entry.public_key},
              {"fingerprint", entry.fingerprint},
              {"created_at", entry.created_at},
              {"connected", entry.connected},
              {"current", entry.current},
              {"applied", nullptr},
              {"heard_seconds_ago", nullptr}};
    if (entry.applied) item["applied"] = *entry.applied;
    if (entry.heard_seconds_ago) item["heard_seconds_ago"] = *entry.heard_seconds_ago;
    out.push_back(std::move(item));
  }
  return reply(200, json{{"gateways", out}});
}

ApiResponse add_gateway(RouteCall& call) {
  auto& gateway_hooks = hooks(call);
  RequestBody body(call.request.body, {"name", "endpoint", "valid_for"});
  const auto name = body.required_string("name");
  check_name(name);
  // Members dial it there: the same rules as the settings' endpoint.
  const auto endpoint = validate_endpoint(body.required_string("endpoint"));
  const auto valid_for =
      body.optional_integer("valid_for", 60, kMaxValidFor).value_or(kDefaultValidFor);
  const auto token = gateway_hooks.add(name, endpoint, std::chrono::seconds(valid_for));
  call.audit("gateway.add", "gateway " + name);
  return reply(201, json{{"name", name},
                         {"endpoint", endpoint},
                         {"token", token.text},
                         {"expires_at", token.expires_at},
                         {"controller_pin", token.controller_pin},
                         {"controller", token.controller_address}});
}

ApiResponse remove_gateway(RouteCall& call) {
  auto& gateway_hooks = hooks(call);
  RequestBody body(call.request.body, {});
  const auto& name = call.param("gateway");
  if (!gateway_hooks.remove(name))
    throw ApiError(
        404, "gateway_not_found",
        "no gateway is named " + name + "; `picket gateway list` shows the enrolled ones");
  call.audit("gateway.remove", "gateway " + name);
  return reply(200, json{{"removed", true}});
}

const Route kRoutes[] = {
    {"GET", "/gateways", list_gateways, Access::session},
    {"POST", "/gateways", add_gateway, Access::unix_only},
    {"DELETE", "/gateways/{gateway}", remove_gateway, Access::unix_only},
};

}  // namespace

std::span<const Route> gateway_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
