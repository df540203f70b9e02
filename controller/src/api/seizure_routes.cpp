// Routes for seizure resilience: panic wipe, burn (revoke every device),
// revoking all devices of one member, and gateway key rotation. Each needs a
// typed confirmation in the body; the fleet-wide ones are Access::password
// routes, so over HTTP the admin's password is checked again before they
// run (require_password; the root-only unix socket is trusted as it is for
// every other route).
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/gateway_answers.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "common/log.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/render.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

constexpr std::string_view kWipePhrase = "wipe everything";
constexpr std::string_view kBurnPhrase = "burn";
constexpr std::string_view kRotatePhrase = "rotate";

void require_confirmation(const RequestBody& body, std::string_view expected) {
  const auto given = body.optional_string("confirm");
  if (!given || *given != expected) {
    throw ApiError(400, "confirmation_required",
                   "type the confirmation: field 'confirm' must be \"" + std::string(expected) +
                       "\"; nothing was changed");
  }
}

// The fleet-wide actions: the phrase typed again (the password was checked
// before the handler ran).
void require_confirmation(RouteCall& call, std::string_view phrase) {
  RequestBody body(call.request.body, {"confirm"});
  require_confirmation(body, phrase);
}

SeizureHooks& hooks(RouteCall& call) {
  if (call.context.seizure == nullptr)
    throw ApiError(503, "unavailable", "this action is only available from a running picketd");
  return *call.context.seizure;
}

ApiResponse wipe(RouteCall& call) {
  require_confirmation(call, kWipePhrase);
  auto& seizure = hooks(call);
  if (!seizure.wipe) throw ApiError(503, "unavailable", "the panic wipe is not available here");
  // No audit entry: the audit trail is part of what is destroyed.
  const auto problems = seizure.wipe();
  if (problems.empty()) return reply(200, json{{"wiped", true}, {"stopping", true}});
  std::string message = "the wipe finished with errors (every other step was done):";
  for (const auto& problem : problems) message += " " + problem + ";";
  return reply(500, json{{"error", message},
                         {"code", "wipe_incomplete"},
                         {"problems", problems},
                         {"stopping", true}});
}

// The device an admin's request came through, when it came through the
// tunnel: its tunnel address is the request's source.
std::optional<DeviceStatus> callers_device(RouteCall& call) {
  if (!call.caller.admin_id || call.request.source.empty()) return std::nullopt;
  for (auto& status : call.service().list_devices(std::nullopt)) {
    if (status.device.ipv4.str() == call.request.source ||
        status.device.ipv6.str() == call.request.source)
      return std::move(status);
  }
  return std::nullopt;
}

// A burn sent through the burning admin's own tunnel would cut the
// connection its answer travels on, and the admin would never learn it
// happened. So every other device is cut before the answer, as always, and
// the caller's own device right after it ("own_device" in the answer says
// so); principle 4 holds for every device but the one asking.
ApiResponse burn(RouteCall& call) {
  require_confirmation(call, kBurnPhrase);
  const auto own = callers_device(call);
  GatewayAnswersOf gateways(call.service());
  const auto revoked =
      call.service().revoke_all_devices(own ? std::optional(own->device.id) : std::nullopt);
  const auto total = revoked + (own ? 1 : 0);
  call.audit("device.burn", "all devices (" + std::to_string(total) + ")");
  json answer{{"revoked", total}, {"own_device", nullptr}};
  gateways.add_to(answer);
  if (!own) return reply(200, answer);
  answer["own_device"] = {
      {"member", own->member_label}, {"device", own->device.label}, {"cut", "after this answer"}};
  auto response = reply(200, answer);
  response.after_sent = [&service = call.service(), member = own->member_label,
                         label = own->device.label] {
    try {
      service.revoke_device(member, label);
    } catch (const NotFoundError&) {
      // Revoked meanwhile: nothing left to cut.
    } catch (const std::exception& e) {
      log_error(std::string("the burn could not cut the calling admin's own device after its "
                            "answer; revoke it by hand: ") +
                e.what());
    }
  };
  return response;
}

ApiResponse revoke_member_devices(RouteCall& call) {
  RequestBody body(call.request.body, {"confirm"});
  // The confirmation is the member's label, typed again.
  require_confirmation(body, call.param("member"));
  GatewayAnswersOf gateways(call.service());
  const auto revoked = call.service().revoke_member_devices(call.param("member"));
  call.audit("member.revoke_devices",
             "member " + call.param("member") + " (" + std::to_string(revoked) + " devices)");
  json answer{{"revoked", revoked}};
  gateways.add_to(answer);
  return reply(200, answer);
}

ApiResponse rotate_key(RouteCall& call) {
  require_confirmation(call, kRotatePhrase);
  auto& seizure = hooks(call);
  if (!seizure.rotate_key) throw ApiError(503, "unavailable", "key rotation is not available here");
  const auto settings = seizure.rotate_key();
  call.audit("gateway.rotate_key", "gateway key");
  json reissue = json::array();
  for (const auto& status : call.service().list_devices(std::nullopt))
    reissue.push_back({{"member", status.member_label}, {"device", status.device.label}});
  return reply(200, json{{"public_key", settings.public_key.base64()},
                         {"fingerprint", key_fingerprint(settings.public_key)},
                         {"reissue", reissue}});
}

constexpr Route kRoutes[] = {
    {"POST", "/wipe", wipe, Access::password},
    {"POST", "/burn", burn, Access::password},
    // Cutting one member off only narrows access: no password (principle 12).
    {"POST", "/members/{member}/revoke-devices", revoke_member_devices},
    {"POST", "/gateway-key/rotate", rotate_key, Access::password},
};

}  // namespace

std::span<const Route> seizure_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
