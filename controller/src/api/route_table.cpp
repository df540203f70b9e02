#include "api/route_table.hpp"

#include "api/access_routes.hpp"
#include "api/dns_routes.hpp"
#include "api/replies.hpp"
#include "store/audit_store.hpp"

namespace picket::controller::api {

namespace {

std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  while (!pattern.empty()) {
    const auto slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool matches(std::span<const std::string_view> segments, std::span<const std::string> path,
             std::map<std::string, std::string, std::less<>>& params) {
  if (!segments.empty() && segments.back() == "{*}") {
    if (path.size() < segments.size() - 1) return false;
    path = path.first(segments.size() - 1);
    segments = segments.first(segments.size() - 1);
  }
  if (segments.size() != path.size()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto segment = segments[i];
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      if (path[i].empty()) return false;
      found.emplace(std::string(segment.substr(1, segment.size() - 2)), path[i]);
    } else if (segment != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

const std::string& RouteCall::param(std::string_view name) const {
  const auto it = params_.find(name);
  if (it == params_.end()) throw std::logic_error("route has no parameter " + std::string(name));
  return it->second;
}

auth::Accounts& RouteCall::accounts() {
  if (context.accounts == nullptr)
    throw ApiError(503, "accounts_unavailable", "admin accounts are not available here");
  return *context.accounts;
}

void RouteCall::audit(std::string_view action, const std::string& target_text) {
  if (context.audit != nullptr) context.audit->record(caller.name, action, target_text);
}

const std::vector<Route>& all_routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> out;
    for (const auto& route : resource_routes()) out.push_back(route);
    for (const auto& route : account_routes()) out.push_back(route);
    for (const auto& route : seizure_routes()) out.push_back(route);
    for (const auto& route : enrolment_routes()) out.push_back(route);
    for (const auto& route : member_routes()) out.push_back(route);
    for (const auto& route : access_routes()) out.push_back(route);
    for (const auto& route : dns_routes()) out.push_back(route);
    for (const auto& route : unlock_routes()) out.push_back(route);
    for (const auto& route : gateway_routes()) out.push_back(route);
    for (const auto& route : assignment_routes()) out.push_back(route);
    return out;
  }();
  return table;
}

namespace {

RouteMatch match_in(std::span<const Route> routes,
                    std::span<const std::vector<std::string_view>> segments,
                    std::string_view method, std::span<const std::string> path,
                    const ApiRequest* site_request) {
  RouteMatch match;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& route = routes[i];
    if (site_request != nullptr && route.access == Access::metrics_listener &&
        !site_request->metrics_listener) {
      continue;
    }
    std::map<std::string, std::string, std::less<>> params;
    if (!matches(segments[i], path, params)) continue;
    match.path_exists = true;
    match.path_while_locked = match.path_while_locked || route.while_locked;
    if ((route.method == method || route.method == "*") && match.route == nullptr) {
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

}  // namespace

RouteMatch match_site_route(const ApiRequest& request, std::span<const std::string> path) {
  static const std::vector<std::vector<std::string_view>> segments = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const auto& route : site_routes()) out.push_back(pattern_segments(route.pattern));
    return out;
  }();
  return match_in(site_routes(), segments, request.method, path, &request);
}

RouteMatch match_route(std::string_view method, std::span<const std::string> path) {
  // Literal segments win over parameters ("/admins/me" before "/admins/{id}"),
  // so try routes without parameters at that position first: the table lists
  // them first, and the first full match wins.
  // Split once: matching runs for every request against every route.
  static const std::vector<std::vector<std::string_view>> segments = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const auto& route : all_routes()) out.push_back(pattern_segments(route.pattern));
    return out;
  }();
  return match_in(all_routes(), segments, method, path, nullptr);
}

}  // namespace picket::controller::api
