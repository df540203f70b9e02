#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/access.hpp"

namespace picket::controller::api {

// A route served by an Api::Extension (the firewall's, the DNS resolver's)
// rather than by the route table. Each extension dispatches on its own
// table of these, so the OpenAPI test and the "401 without a session" test
// enumerate exactly what it serves. `pattern` is below /api/v1, with {name}
// for a path parameter, as in Route.
struct ExtensionRoute {
  std::string_view method;
  std::string_view pattern;
  Access access = Access::session;
};

using PathParams = std::map<std::string, std::string, std::less<>>;

// `path` are the decoded segments after /api/v1; the parameters when
// `pattern` matches it (route_table.cpp).
std::optional<PathParams> match_pattern(std::string_view pattern,
                                        std::span<const std::string> path);

struct ExtensionMatch {
  const ExtensionRoute* route = nullptr;  // null: no route for this method and path
  bool path_exists = false;               // some method is routed on this path (405)
  PathParams params;
};
ExtensionMatch match_extension(std::span<const ExtensionRoute> routes, std::string_view method,
                               std::span<const std::string> path);
// The same for a whole request target ("/api/v1/dns?x=1"); a target outside
// /api/v1 or a malformed one matches nothing.
ExtensionMatch match_extension(std::span<const ExtensionRoute> routes, std::string_view method,
                               std::string_view target);

// Every extension's table (the firewall's and the DNS resolver's), for the
// tests that enumerate routes; served behind the same session and CSRF
// checks as the route table's.
std::span<const ExtensionRoute> firewall_routes();  // firewall_routes.cpp
std::span<const ExtensionRoute> dns_routes();       // served by DnsRuntime::handle
const std::vector<ExtensionRoute>& extension_routes();

}  // namespace picket::controller::api
