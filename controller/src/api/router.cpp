#include <cctype>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "api/json_codec.hpp"
#include "api/request_body.hpp"
#include "picket/controller/api.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller {

using api::RequestBody;
using api::to_json;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/api/v1/";
constexpr std::size_t kMaxRoutes = 64;
constexpr std::size_t kMaxDns = 4;

struct Target {
  std::vector<std::string> path;  // segments after /api/v1/
  std::vector<std::pair<std::string, std::string>> query;
};

// Path segments and query values arrive percent-encoded; labels are
// validated after decoding, so an encoded '/' can never change the route.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      throw std::invalid_argument("the request path holds a malformed %-escape");
    }
    out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

Target split_target(const std::string& target) {
  Target out;
  const auto question = target.find('?');
  const std::string path = target.substr(0, question);
  if (path.rfind(kPrefix, 0) != 0)
    throw NotFoundError("unknown API path; the API lives under /api/v1/");
  std::string_view rest(path);
  rest.remove_prefix(kPrefix.size());
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    out.path.push_back(percent_decode(rest.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (question != std::string::npos) {
    std::string_view query(target);
    query.remove_prefix(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const auto pair = query.substr(0, amp);
      const auto eq = pair.find('=');
      out.query.emplace_back(
          percent_decode(pair.substr(0, eq)),
          eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return out;
}

ApiResponse reply(int status, const json& body) {
  return ApiResponse{status, body.dump()};
}
ApiResponse error(int status, const std::string& message) {
  return reply(status, json{{"error", message}});
}

ApiResponse method_not_allowed() {
  return error(405, "this method is not allowed on this path");
}

std::vector<gateway::Cidr> parse_prefixes(const std::vector<std::string>& texts) {
  std::vector<gateway::Cidr> out;
  for (const auto& text : texts) out.push_back(gateway::Cidr::parse(text));
  return out;
}

ApiResponse settings_route(Service& service, const ApiRequest& request) {
  if (request.method == "GET")
    return reply(200, to_json(service.settings(), service.effective_dns()));
  if (request.method != "PATCH") return method_not_allowed();
  RequestBody body(request.body, {"endpoint", "ipv4_subnet", "ipv6_subnet", "dns", "listen_port"});
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
  const auto& settings = service.change_settings(change);
  return reply(200, to_json(settings, service.effective_dns()));
}

ApiResponse members_route(Service& service, const ApiRequest& request) {
  if (request.method == "GET") {
    json out = json::array();
    for (const auto& member : service.list_members()) out.push_back(to_json(member));
    return reply(200, json{{"members", out}});
  }
  if (request.method != "POST") return method_not_allowed();
  RequestBody body(request.body, {"label", "note"});
  const auto member =
      service.add_member(body.required_string("label"), body.optional_string("note").value_or(""));
  return reply(201, to_json(member));
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
  device.expires_at = body.optional_integer("expires_at", 1, 253402300799);  // up to year 9999
  return device;
}

ApiResponse device_route(Service& service, const ApiRequest& request, const std::string& member,
                         const std::string& label, const std::string& action) {
  const auto& method = request.method;
  if (action.empty()) {
    if (method == "GET") return reply(200, to_json(service.show_device(member, label)));
    if (method == "DELETE") {
      service.revoke_device(member, label);
      return reply(200, json{{"revoked", true}});
    }
    return method_not_allowed();
  }
  if (action == "expiry") {
    if (method != "PUT") return method_not_allowed();
    RequestBody body(request.body, {"expires_at"});
    if (!body.has("expires_at"))
      throw std::invalid_argument("field 'expires_at' is required (null clears it)");
    service.set_expiry(member, label, body.optional_integer("expires_at", 1, 253402300799));
    return reply(200, to_json(service.show_device(member, label)));
  }
  if (method != "POST") return method_not_allowed();
  if (action == "disable" || action == "enable") {
    RequestBody body(request.body, {});
    service.set_enabled(member, label, action == "enable");
    return reply(200, to_json(service.show_device(member, label)));
  }
  if (action == "reissue") {
    RequestBody body(request.body, {"public_key"});
    const auto key = gateway::Key::from_base64(body.required_string("public_key"));
    return reply(200, to_json(service.reissue_device(member, label, key)));
  }
  throw NotFoundError("unknown device action; use disable, enable, reissue or expiry");
}

ApiResponse member_route(Service& service, const ApiRequest& request, const Target& target) {
  const auto& path = target.path;
  const auto& member = path.at(1);
  if (path.size() == 2) {
    if (request.method != "DELETE") return method_not_allowed();
    service.remove_member(member);
    return reply(200, json{{"removed", true}});
  }
  if (path.at(2) != "devices") throw NotFoundError("unknown API path");
  if (path.size() == 3) {
    if (request.method == "GET") {
      json out = json::array();
      for (const auto& status : service.list_devices(member)) out.push_back(to_json(status));
      return reply(200, json{{"devices", out}});
    }
    if (request.method != "POST") return method_not_allowed();
    RequestBody body(request.body,
                     {"label", "public_key", "allowed_ips", "keepalive", "mtu", "expires_at"});
    return reply(201, to_json(service.add_device(member, new_device_from(body))));
  }
  if (path.size() > 5) throw NotFoundError("unknown API path");
  return device_route(service, request, member, path.at(3), path.size() == 5 ? path.at(4) : "");
}

ApiResponse devices_route(Service& service, const ApiRequest& request, const Target& target) {
  if (request.method != "GET") return method_not_allowed();
  std::optional<std::string> member;
  for (const auto& [key, value] : target.query) {
    if (key == "member") {
      member = value;
    } else {
      throw std::invalid_argument("unknown query parameter; allowed: member");
    }
  }
  json out = json::array();
  for (const auto& status : service.list_devices(member)) out.push_back(to_json(status));
  return reply(200, json{{"devices", out}});
}

ApiResponse status_route(Service& service, const ApiRequest& request) {
  if (request.method != "GET") return method_not_allowed();
  json out = json::array();
  for (const auto& status : service.status()) out.push_back(to_json(status));
  return reply(200, json{{"interface", service.settings().interface_name}, {"devices", out}});
}

ApiResponse route(Service& service, const ApiRequest& request) {
  const auto target = split_target(request.target);
  const auto& path = target.path;
  if (path.empty()) throw NotFoundError("unknown API path");
  const auto& root = path.front();
  if (root == "settings" && path.size() == 1) return settings_route(service, request);
  if (root == "members" && path.size() == 1) return members_route(service, request);
  if (root == "members") return member_route(service, request, target);
  if (root == "devices" && path.size() == 1) return devices_route(service, request, target);
  if (root == "status" && path.size() == 1) return status_route(service, request);
  throw NotFoundError("unknown API path");
}

}  // namespace

ApiResponse handle_api_request(Service& service, const ApiRequest& request) {
  try {
    if (request.body.size() > kMaxRequestBody) return error(413, "the request body is too large");
    return route(service, request);
  } catch (const NotFoundError& e) {
    return error(404, e.what());
  } catch (const ConflictError& e) {
    return error(409, e.what());
  } catch (const std::invalid_argument& e) {
    return error(400, e.what());
  } catch (const gateway::ParseError& e) {
    return error(400, e.what());
  } catch (const ApplyError& e) {
    return error(503, e.what());
  } catch (const gateway::Error& e) {
    return error(503, std::string("the WireGuard interface failed: ") + e.what());
  } catch (const std::exception& e) {
    return error(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace picket::controller
