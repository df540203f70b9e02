#include "api/firewall_routes.hpp"

#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "api/extension_route.hpp"
#include "api/request_body.hpp"
#include "picket/controller/errors.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/api/v1/";

// Segments after /api/v1/, percent-decoded (labels are validated after
// decoding, so an encoded '/' never changes the route); nullopt when the
// target is not under the API or carries a query.
std::optional<std::vector<std::string>> path_of(const std::string& target) {
  if (target.rfind(kPrefix, 0) != 0 || target.find('?') != std::string::npos) return std::nullopt;
  std::vector<std::string> out(1);
  for (std::size_t i = kPrefix.size(); i < target.size(); ++i) {
    const char c = target[i];
    if (c == '/') {
      out.emplace_back();
    } else if (c == '%' && i + 2 < target.size() &&
               std::isxdigit(static_cast<unsigned char>(target[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(target[i + 2]))) {
      out.back().push_back(static_cast<char>(std::stoi(target.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (c == '%') {
      throw std::invalid_argument("the request path holds a malformed %-escape");
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

ApiResponse reply(int status, const json& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

json to_json(const DeviceAccess& access) {
  json restricted = nullptr;
  if (access.restricted_to) {
    restricted = json::array();
    for (const auto& cidr : *access.restricted_to) restricted.push_back(cidr.str());
  }
  return {{"restricted_to", restricted},
          {"group", access.group.empty() ? json(nullptr) : json(access.group)}};
}

// Fields absent from `body` keep their value in `current`; null clears them.
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

ApiResponse access_route(FirewallPolicy& policy, const ApiRequest& request,
                         const std::string& member, const std::string& label) {
  if (request.method == "GET") return reply(200, to_json(policy.access(member, label)));
  if (request.method != "PUT") return reply(405, {{"error", "use GET or PUT on this path"}});
  RequestBody body(request.body, {"restricted_to", "group"});
  const auto next = access_from(body, policy.access(member, label));
  return reply(200, to_json(policy.set_access(member, label, next)));
}

ApiResponse firewall_route(FirewallPolicy& policy, const ApiRequest& request) {
  if (request.method == "PUT") {
    RequestBody checked(request.body, {"member_to_member"});
    const auto body = json::parse(request.body);
    if (!body.contains("member_to_member") || !body.at("member_to_member").is_boolean()) {
      throw std::invalid_argument("field 'member_to_member' must be true or false");
    }
    policy.set_member_to_member(body.at("member_to_member").get<bool>());
  } else if (request.method != "GET") {
    return reply(405, {{"error", "use GET or PUT on this path"}});
  }
  return reply(200, {{"member_to_member", policy.member_to_member()}});
}

// Device creation with access fields: the fields are checked here, the rest
// of the request goes to the device route unchanged, and the policy stores
// the access when the new device is activated, inside the same transaction.
std::optional<ApiResponse> create_route(FirewallPolicy& policy, const ApiRequest& request,
                                        const std::string& member,
                                        const std::function<ApiResponse(const ApiRequest&)>& next) {
  auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || (!body.contains("restricted_to") && !body.contains("group"))) {
    return std::nullopt;
  }
  json fields = json::object();
  for (const auto* name : {"restricted_to", "group"}) {
    if (body.contains(name)) fields[name] = body[name];
    body.erase(name);
  }
  const auto access = access_from(RequestBody(fields.dump(), {"restricted_to", "group"}), {});
  if (!body.contains("label") || !body.at("label").is_string()) return next(request);
  policy.expect_new_device(member, body.at("label").get<std::string>(), access);
  struct Forget {
    FirewallPolicy& policy;
    ~Forget() { policy.clear_expected(); }
  } forget{policy};
  ApiRequest forwarded = request;
  forwarded.body = body.dump();
  auto response = next(forwarded);
  if (response.status == 201) {
    auto created = json::parse(response.body, nullptr, false);
    if (created.is_object()) {
      created.update(to_json(access));
      response.body = created.dump();
    }
  }
  return response;
}

ApiResponse error(int status, const std::string& message) {
  return reply(status, {{"error", message}});
}

constexpr std::string_view kFirewall = "/firewall";
constexpr std::string_view kAccess = "/members/{member}/devices/{device}/access";

// What the firewall serves itself. It also reads the access fields of
// POST /members/{member}/devices (create_route), a route-table route.
constexpr ExtensionRoute kRoutes[] = {
    {"GET", kFirewall},
    {"PUT", kFirewall, Access::password},
    {"GET", kAccess},
    {"PUT", kAccess, Access::password},
};

}  // namespace

std::span<const ExtensionRoute> firewall_routes() {
  return kRoutes;
}

std::optional<ApiResponse> handle_firewall_request(
    FirewallPolicy& policy, const ApiRequest& request,
    const std::function<ApiResponse(const ApiRequest&)>& next) {
  try {
    const auto path = path_of(request.target);
    if (!path) return std::nullopt;
    const auto& p = *path;
    const auto match = match_extension(kRoutes, request.method, p);
    if (match.route != nullptr && match.route->pattern == kFirewall)
      return firewall_route(policy, request);
    if (match.route != nullptr && match.route->pattern == kAccess)
      return access_route(policy, request, match.params.at("member"), match.params.at("device"));
    if (match.path_exists) return error(405, "use GET or PUT on this path");
    if (p.size() == 3 && p[0] == "members" && p[2] == "devices" && request.method == "POST") {
      return create_route(policy, request, p[1], next);
    }
    return std::nullopt;
  } catch (const NotFoundError& e) {
    return error(404, e.what());
  } catch (const std::invalid_argument& e) {
    return error(400, e.what());
  } catch (const gateway::ParseError& e) {
    return error(400, e.what());
  } catch (const ApplyError& e) {
    return error(503, e.what());
  } catch (const gateway::Error& e) {
    return error(503, std::string("the firewall failed: ") + e.what());
  } catch (const std::exception& e) {
    return error(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace picket::controller::api
