// Routes about a member as a whole: cutting off every device of one member
// at once (disable, no password: it only narrows access), and the per-member
// device summary the members listing carries.
#include "api/member_routes.hpp"

#include <map>

#include "api/replies.hpp"
#include "api/request_body.hpp"

namespace picket::controller::api {

using nlohmann::json;

void add_device_summary(RouteCall& call, json& members) {
  struct Summary {
    std::size_t devices = 0;
    std::size_t enabled = 0;
    std::int64_t last_handshake = 0;
  };
  const auto& live = call.context.live.get(call.service(), LiveStats::Clock::now());
  std::map<std::int64_t, Summary> by_member;
  for (const auto& status : call.service().list_devices(std::nullopt)) {
    auto& summary = by_member[status.device.member_id];
    ++summary.devices;
    if (status.device.enabled) ++summary.enabled;
    const auto it = live.find(status.device.public_key);
    if (status.active && it != live.end())
      summary.last_handshake = std::max(summary.last_handshake, it->second.last_handshake_unix);
  }
  for (auto& member : members) {
    const auto& summary = by_member[member.at("id").get<std::int64_t>()];
    member["devices"] = summary.devices;
    member["devices_enabled"] = summary.enabled;
    member["last_handshake"] = summary.last_handshake;
  }
}

namespace {

// The moment an organizer learns a member is an informant: every device of
// the member off the interface in one change, reversible device by device.
ApiResponse disable_member_devices(RouteCall& call) {
  RequestBody body(call.request.body, {});
  const auto disabled = call.service().disable_member_devices(call.param("member"));
  call.audit("member.disable_devices",
             "member " + call.param("member") + " (" + std::to_string(disabled) + " devices)");
  return reply(200, json{{"disabled", disabled}});
}

constexpr Route kRoutes[] = {
    {"POST", "/members/{member}/disable-devices", disable_member_devices},
};

}  // namespace

std::span<const Route> member_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
