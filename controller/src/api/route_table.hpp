#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/access.hpp"
#include "api/gateway_hooks.hpp"
#include "api/live_stats.hpp"
#include "api/seizure_hooks.hpp"
#include "api/target.hpp"
#include "api/unlock_hooks.hpp"
#include "picket/controller/api.hpp"

namespace picket::controller {
class AuditStore;
class DnsService;
namespace auth {
class Accounts;
}
}  // namespace picket::controller

namespace picket::controller::api {

// What a route handler may use. `accounts` and `audit` are null when the
// API runs without admin accounts (unit tests).
struct ApiContext {
  Service* service = nullptr;  // null: locked; only Route::while_locked routes answer
  auth::Accounts* accounts = nullptr;
  AuditStore* audit = nullptr;
  std::string ui_url{};                    // where the web UI is, for the setup link
  LiveStats live{};                        // handshakes and transfer for the listings
  SeizureHooks* seizure = nullptr;         // null: wipe and key rotation are unavailable
  DnsService* dns = nullptr;               // null: picketd runs without its resolver (409)
  UnlockHooks* unlock = nullptr;           // null: not started by a daemon that can unlock (409)
  GatewayHooks* gateways = nullptr;        // null: a single box, no gateway hosts (409)
  std::function<std::string()> metrics{};  // /metrics' Prometheus text; unset: 404
};

// Who is calling: an admin (HTTP) or root (the unix socket).
struct Caller {
  std::optional<std::int64_t> admin_id;
  std::string name;           // admin username, or "root" for the CLI
  std::string session_token;  // the cookie's value; empty for root
};

class RouteCall {
 public:
  RouteCall(const ApiRequest& the_request, ApiContext& the_context, Caller who, Target parsed,
            std::map<std::string, std::string, std::less<>> params)
      : request(the_request),
        context(the_context),
        caller(std::move(who)),
        target(std::move(parsed)),
        params_(std::move(params)) {}

  const ApiRequest& request;
  ApiContext& context;
  Caller caller;
  Target target;

  const std::string& param(std::string_view name) const;
  Service& service() { return *context.service; }  // dispatch() checked it is there
  // Throws ApiError 503 when the API runs without admin accounts.
  auth::Accounts& accounts();
  // Records "caller did action to target" in the audit trail (when there is
  // one). Targets name devices and members by their pseudonymous labels.
  void audit(std::string_view action, const std::string& target_text);

 private:
  std::map<std::string, std::string, std::less<>> params_;
};

using RouteHandler = ApiResponse (*)(RouteCall&);

// One line of the route table. `pattern` is below /api/v1, with {name} for a
// path parameter, e.g. "/members/{member}/devices".
struct Route {
  std::string_view method;
  std::string_view pattern;
  RouteHandler handler;
  Access access = Access::session;
  // A read whose answer depends only on the target and the database (not on
  // the caller or the live interface), so it may be served from the
  // ResponseCache.
  bool cacheable = false;
  // Answered while picketd is locked (no Service yet); every other route
  // then answers 423.
  bool while_locked = false;
};

// The tables, one per area; all_routes() joins them. The OpenAPI test and
// the "every route needs a session" test enumerate all_routes().
std::span<const Route> resource_routes();    // resource_routes.cpp
std::span<const Route> account_routes();     // account_routes.cpp
std::span<const Route> seizure_routes();     // seizure_routes.cpp
std::span<const Route> enrolment_routes();   // enrolment_routes.cpp
std::span<const Route> member_routes();      // member_routes.cpp
std::span<const Route> access_routes();      // access_routes.cpp
std::span<const Route> dns_routes();         // dns_routes.cpp
std::span<const Route> unlock_routes();      // unlock_routes.cpp
std::span<const Route> gateway_routes();     // gateway_routes.cpp
std::span<const Route> assignment_routes();  // assignment_routes.cpp
// Every route under /api/v1 (the API that OpenAPI describes).
const std::vector<Route>& all_routes();
// The HTTP listeners' paths outside /api/: /metrics and the UI's files
// (site_routes.cpp). Matched after the API's, in the same dispatch.
std::span<const Route> site_routes();

inline constexpr std::string_view kApiPrefix = "/api/v1";

struct RouteMatch {
  const Route* route = nullptr;    // null: no route for this method and path
  bool path_exists = false;        // some method is routed on this path (405 rather than 404)
  bool path_while_locked = false;  // a route on this path answers while locked
  std::map<std::string, std::string, std::less<>> params;
};

// `path` are the decoded segments after /api/v1.
RouteMatch match_route(std::string_view method, std::span<const std::string> path);
// `path` are the decoded segments of the whole path. A pattern's last
// segment "{*}" takes the rest of the path, a route's method "*" any
// method; /metrics matches only on the listener that serves it.
RouteMatch match_site_route(const ApiRequest& request, std::span<const std::string> path);
// Whether the request is for site_routes(): over HTTP, outside /api/.
inline bool is_site_request(const ApiRequest& request) {
  return request.transport == Transport::http && !request.target.starts_with("/api/");
}

}  // namespace picket::controller::api
