// Which gateway hosts serve a device, on a controller (a single box answers
// 409): null for every gateway (also those enrolled later), or the names.
//   GET /members/{member}/devices/{device}/assigned-gateways
//       -> {"assigned_gateways": null | ["gw-a", ...]}
//   PUT /members/{member}/devices/{device}/assigned-gateways
//       {"assigned_gateways": null | [...]} -> the same, with "gateways": what
//       each gateway host said (a gateway the device leaves drops it before
//       the answer)
#include "api/assignment_routes.hpp"

#include "api/gateway_answers.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "picket/controller/service.hpp"

namespace picket::controller::api {

using nlohmann::json;

json assignment_json(const std::optional<std::vector<std::string>>& gateways) {
  return gateways ? json(*gateways) : json(nullptr);
}

std::optional<std::vector<std::string>> assignment_from(const RequestBody& body) {
  return body.optional_string_list("assigned_gateways", kMaxAssignedGateways);
}

namespace {

ApiResponse get_assignment(RouteCall& call) {
  return reply(200, json{{"assigned_gateways", assignment_json(call.service().assigned_gateways(
                                                   call.param("member"), call.param("device")))}});
}

ApiResponse put_assignment(RouteCall& call) {
  RequestBody body(call.request.body, {"assigned_gateways"});
  if (!body.has("assigned_gateways"))
    throw std::invalid_argument(
        "field 'assigned_gateways' is required: a list of gateway names, or null for every "
        "gateway");
  GatewayAnswersOf gateways(call.service());
  const auto stored = call.service().set_assigned_gateways(
      call.param("member"), call.param("device"), assignment_from(body));
  call.audit("device.gateways", "device " + call.param("member") + "/" + call.param("device"));
  json answer{{"assigned_gateways", assignment_json(stored)}};
  gateways.add_to(answer);
  return reply(200, answer);
}

constexpr Route kRoutes[] = {
    {"GET", "/members/{member}/devices/{device}/assigned-gateways", get_assignment,
     Access::session},
    // Access::password: it may widen where a device connects.
    {"PUT", "/members/{member}/devices/{device}/assigned-gateways", put_assignment,
     Access::password},
};

}  // namespace

std::span<const Route> assignment_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
