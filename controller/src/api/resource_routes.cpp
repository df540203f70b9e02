// The resource routes: settings, members, devices, device actions, status.
// To add a route: write a handler `ApiResponse name(RouteCall& call)` and
// add one line to kRoutes below (and its path to api/openapi.json; a unit
// test checks both directions). State-changing handlers call call.audit().
#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "api/access_routes.hpp"
#include "api/assignment_routes.hpp"
#include "api/gateway_answers.hpp"
#include "api/json_codec.hpp"
#include "api/listing.hpp"
#include "api/live_stats.hpp"
#include "api/member_routes.hpp"
#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "picket/controller/api.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

// Bounds the parsing only: the service refuses more than kMaxSplitEntries
// different entries, with a message that names that limit.
constexpr std::size_t kMaxRoutes = 256;
constexpr std::size_t kMaxDns = 4;
constexpr std::int64_t kMaxUnixTime = 253402300799;  // year 9999

std::vector<gateway::Cidr> parse_prefixes(const std::vector<std::string>& texts) {
  std::vector<gateway::Cidr> out;
  for (const auto& text : texts) out.push_back(gateway::Cidr::parse(text));
  return out;
}

std::string device_target(RouteCall& call) {
  return "device " + call.param("member") + "/" + call.param("device");
}

ApiResponse get_settings(RouteCall& call) {
  Query(call.target.query, {});
  return reply(200, to_json(call.service().settings(), call.service().effective_dns(),
                            call.service().gateway_endpoints()));
}

ApiResponse patch_settings(RouteCall& call) {
  RequestBody body(call.request.body,
                   {"endpoint", "ipv4_subnet", "ipv6_subnet", "dns", "listen_port"});
  SettingsChange change;
  change.endpoint = body.optional_string("endpoint");
  if (auto v4 = body.optional_string("ipv4_subnet")) change.ipv4_subnet = gateway::Cidr::parse(*v4);
  if (auto v6 = body.optional_string("ipv6_subnet")) change.ipv6_subnet = gateway::Cidr::parse(*v6);
  if (auto dns = body.optional_string_list("dns", kMaxDns)) {
    std::vector<gateway::IpAddress> ips;
    for (const auto& text : *dns) ips.push_back(gateway::IpAddress::parse(text));
    change.dns = ips;
  }
  if (auto port = body.optional_integer("listen_port", 1, 65535)) {
    change.listen_port = static_cast<std::uint16_t>(*port);
  }
  const auto& settings = call.service().change_settings(change);
  call.audit("settings.change", "settings");
  return reply(
      200, to_json(settings, call.service().effective_dns(), call.service().gateway_endpoints()));
}

ApiResponse list_members(RouteCall& call) {
  const Query query(call.target.query, {"q", "limit", "offset"});
  const auto page = Page::from(query);
  const auto search = query.text("q");
  std::vector<Member> matching;
  for (auto& member : call.service().list_members())
    if (label_matches(member.label, search)) matching.push_back(std::move(member));
  const auto [begin, end] = page.bounds(matching.size());
  json out = json::array();
  for (auto i = begin; i < end; ++i) out.push_back(to_json(matching[i]));
  add_device_summary(call, out);
  return reply(200, page.wrap("members", std::move(out), matching.size()));
}

ApiResponse add_member(RouteCall& call) {
  RequestBody body(call.request.body, {"label", "note"});
  const auto member = call.service().add_member(body.required_string("label"),
                                                body.optional_string("note").value_or(""));
  call.audit("member.add", "member " + member.label);
  return reply(201, to_json(member));
}

ApiResponse remove_member(RouteCall& call) {
  call.service().remove_member(call.param("member"));
  call.audit("member.remove", "member " + call.param("member"));
  return reply(200, json{{"removed", true}});
}

DeviceStatus with_live(DeviceStatus status, const LiveStats::ByKey& live) {
  if (const auto it = live.find(status.device.public_key); it != live.end() && status.active)
    status.stats = it->second;
  return status;
}

ApiResponse device_list(RouteCall& call, std::optional<std::string> member, const Query& query) {
  const auto page = Page::from(query);
  const auto filter = DeviceFilterQuery::from(query);
  const auto now = system_clock_now();
  auto devices = call.service().list_devices(member);
  std::vector<const DeviceStatus*> matching;
  matching.reserve(devices.size());
  for (const auto& status : devices)
    if (filter.accepts(status, now)) matching.push_back(&status);
  const auto [begin, end] = page.bounds(matching.size());
  // However many admins list, the interface is read once per LiveStats::kMaxAge.
  const auto& live = call.context.live.get(call.service(), LiveStats::Clock::now());
  json out = json::array();
  for (auto i = begin; i < end; ++i) out.push_back(to_json(with_live(*matching[i], live)));
  return reply(200, page.wrap("devices", std::move(out), matching.size()));
}

ApiResponse list_devices(RouteCall& call) {
  const Query query(call.target.query, {"member", "q", "state", "limit", "offset"});
  return device_list(call, query.text("member"), query);
}

ApiResponse list_member_devices(RouteCall& call) {
  const Query query(call.target.query, {"q", "state", "limit", "offset"});
  return device_list(call, call.param("member"), query);
}

NewDevice new_device_from(const RequestBody& body) {
  NewDevice device;
  device.label = body.required_string("label");
  device.public_key = gateway::Key::from_base64(body.required_string("public_key"));
  if (auto routes = body.optional_string_list("allowed_ips", kMaxRoutes)) {
    device.allowed_ips = parse_prefixes(*routes);
  }
  if (auto keepalive = body.optional_integer("keepalive", 0, 65535)) {
    device.keepalive = static_cast<std::uint16_t>(*keepalive);
  }
  if (auto mtu = body.optional_integer("mtu", 0, 9000))
    device.mtu = static_cast<std::uint16_t>(*mtu);
  device.expires_at = body.optional_integer("expires_at", 1, kMaxUnixTime);
  return device;
}

ApiResponse add_device(RouteCall& call) {
  RequestBody body(call.request.body,
                   {"label", "public_key", "allowed_ips", "keepalive", "mtu", "expires_at",
                    "create_member", "note", "restricted_to", "group", "assigned_gateways"});
  auto device = new_device_from(body);
  device.assigned_gateways = assignment_from(body);
  // Access travels with the device and is stored in its transaction.
  const bool with_access = body.has("restricted_to") || body.has("group");
  if (with_access) device.access = access_from(body, {});
  // A new member comes into being with its first device or not at all.
  if (body.optional_boolean("create_member").value_or(false))
    device.new_member_note = body.optional_string("note").value_or("");
  else if (body.has("note"))
    throw std::invalid_argument("field 'note' is for a new member: send it with create_member");
  auto params = call.service().add_device(call.param("member"), device);
  if (params.member_created) call.audit("member.add", "member " + params.member_label);
  call.audit("device.add", "device " + call.param("member") + "/" + params.device.label);
  auto answer = to_json(params);
  if (with_access) answer.update(to_json(*device.access));
  if (body.has("assigned_gateways")) {
    auto stored = device.assigned_gateways;  // as the Service keeps it: sorted
    if (stored) std::sort(stored->begin(), stored->end());
    answer["assigned_gateways"] = assignment_json(stored);
  }
  return reply(201, answer);
}

ApiResponse show_device(RouteCall& call) {
  const auto& live = call.context.live.get(call.service(), LiveStats::Clock::now());
  return reply(
      200, to_json(with_live(call.service().show_device(call.param("member"), call.param("device")),
                             live)));
}

ApiResponse revoke_device(RouteCall& call) {
  GatewayAnswersOf gateways(call.service());
  call.service().revoke_device(call.param("member"), call.param("device"));
  call.audit("device.revoke", device_target(call));
  json body{{"revoked", true}};
  gateways.add_to(body);
  return reply(200, body);
}

ApiResponse set_enabled(RouteCall& call, bool enabled) {
  RequestBody body(call.request.body, {});
  GatewayAnswersOf gateways(call.service());
  call.service().set_enabled(call.param("member"), call.param("device"), enabled);
  call.audit(enabled ? "device.enable" : "device.disable", device_target(call));
  auto response = show_device(call);
  auto answer = json::parse(response.body);
  gateways.add_to(answer);
  return reply(response.status, answer);
}

ApiResponse enable_device(RouteCall& call) {
  return set_enabled(call, true);
}

ApiResponse disable_device(RouteCall& call) {
  return set_enabled(call, false);
}

ApiResponse reissue_device(RouteCall& call) {
  RequestBody body(call.request.body, {"public_key", "preshared_key"});
  const auto key = gateway::Key::from_base64(body.required_string("public_key"));
  std::optional<gateway::SecretKey> preshared_key;
  if (auto text = body.optional_string("preshared_key"))
    preshared_key = gateway::SecretKey::from_base64(*text);
  auto params =
      call.service().reissue_device(call.param("member"), call.param("device"), key, preshared_key);
  call.audit("device.reissue", device_target(call));
  return reply(200, to_json(params));
}

ApiResponse set_expiry(RouteCall& call) {
  RequestBody body(call.request.body, {"expires_at"});
  if (!body.has("expires_at"))
    throw std::invalid_argument("field 'expires_at' is required (null clears it)");
  call.service().set_expiry(call.param("member"), call.param("device"),
                            body.optional_integer("expires_at", 1, kMaxUnixTime));
  call.audit("device.expiry", device_target(call));
  return show_device(call);
}

ApiResponse live_status(RouteCall& call) {
  json out = json::array();
  for (const auto& status : call.service().status()) out.push_back(to_json(status));
  return reply(200,
               json{{"interface", call.service().settings().interface_name}, {"devices", out}});
}

constexpr Route kRoutes[] = {
    {"GET", "/settings", get_settings, Access::session, true},
    // Access::password: each widens access or destroys data (the endpoint
    // and DNS every config points at, a member's record, a new or renewed
    // key, a device switched back on, a later expiry). Revoking and
    // disabling only narrow access and stay one click (principle 12); a
    // member record alone grants nothing.
    {"PATCH", "/settings", patch_settings, Access::password},
    {"GET", "/members", list_members, Access::session, true},
    {"POST", "/members", add_member},
    {"DELETE", "/members/{member}", remove_member, Access::password},
    {"GET", "/members/{member}/devices", list_member_devices, Access::session, true},
    {"POST", "/members/{member}/devices", add_device, Access::password},
    {"GET", "/members/{member}/devices/{device}", show_device, Access::session, true},
    {"DELETE", "/members/{member}/devices/{device}", revoke_device},
    {"POST", "/members/{member}/devices/{device}/enable", enable_device, Access::password},
    {"POST", "/members/{member}/devices/{device}/disable", disable_device},
    {"POST", "/members/{member}/devices/{device}/reissue", reissue_device, Access::password},
    {"PUT", "/members/{member}/devices/{device}/expiry", set_expiry, Access::password},
    {"GET", "/devices", list_devices, Access::session, true},
    {"GET", "/status", live_status},
};

}  // namespace

std::span<const Route> resource_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
