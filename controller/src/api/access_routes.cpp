// What devices may reach: the member isolation switch and per-device access.
#include "api/access_routes.hpp"

#include "api/replies.hpp"
#include "picket/controller/service.hpp"
#include "picket/controller/validate.hpp"

namespace picket::controller::api {

using nlohmann::json;

json to_json(const DeviceAccess& access) {
  json restricted = nullptr;
  if (access.restricted_to) {
    restricted = json::array();
    for (const auto& cidr : *access.restricted_to) restricted.push_back(cidr.str());
  }
  return {{"restricted_to", restricted},
          {"group", access.group.empty() ? json(nullptr) : json(access.group)}};
}

DeviceAccess access_from(const RequestBody& body, DeviceAccess current) {
  if (body.has("restricted_to")) {
    current.restricted_to.reset();
    if (auto list = body.optional_string_list("restricted_to", kMaxRestrictedCidrs)) {
      current.restricted_to.emplace();
      for (const auto& text : *list) current.restricted_to->push_back(gateway::Cidr::parse(text));
    }
  }
  if (body.has("group")) current.group = body.optional_string("group").value_or("");
  return validate_access(current);
}

namespace {

ApiResponse get_firewall(RouteCall& call) {
  return reply(200, {{"member_to_member", call.service().member_to_member()}});
}

ApiResponse put_firewall(RouteCall& call) {
  RequestBody checked(call.request.body, {"member_to_member"});
  const auto body = json::parse(call.request.body);
  if (!body.contains("member_to_member") || !body.at("member_to_member").is_boolean())
    throw std::invalid_argument("field 'member_to_member' must be true or false");
  call.service().set_member_to_member(body.at("member_to_member").get<bool>());
  return reply(200, {{"member_to_member", call.service().member_to_member()}});
}

ApiResponse get_access(RouteCall& call) {
  return reply(200, to_json(call.service().access(call.param("member"), call.param("device"))));
}

ApiResponse put_access(RouteCall& call) {
  auto& service = call.service();
  const auto current = service.access(call.param("member"), call.param("device"));
  const auto next =
      access_from(RequestBody(call.request.body, {"restricted_to", "group"}), current);
  return reply(200, to_json(service.set_access(call.param("member"), call.param("device"), next)));
}

constexpr Route kRoutes[] = {
    {"GET", "/firewall", get_firewall},
    {"PUT", "/firewall", put_firewall, Access::password},
    {"GET", "/members/{member}/devices/{device}/access", get_access},
    {"PUT", "/members/{member}/devices/{device}/access", put_access, Access::password},
};

}  // namespace

std::span<const Route> access_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
