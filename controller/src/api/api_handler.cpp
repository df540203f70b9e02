#include "api/api_handler.hpp"

#include <chrono>

#include "api/gate.hpp"
#include "api/json_duplicates.hpp"
#include "api/password_check.hpp"
#include "api/replies.hpp"
#include "auth/accounts.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::api {

namespace {

// The 401 says why, so the page can tell a person they were logged out for
// being away rather than show an error.
ApiError session_ended(auth::SessionEnd why, std::int64_t idle_timeout) {
  switch (why) {
    case auth::SessionEnd::idle:
      return ApiError(401, "session_idle",
                      "you were logged out after " +
                          (idle_timeout >= 120 ? std::to_string(idle_timeout / 60) + " minutes"
                                               : std::to_string(idle_timeout) + " seconds") +
                          " without activity; log in again");
    case auth::SessionEnd::expired:
      return ApiError(401, "session_expired",
                      "sessions end after 12 hours, however active; log in again");
    case auth::SessionEnd::unknown:
      break;
  }
  return ApiError(401, "unauthenticated", "log in first: POST /api/v1/session");
}

Caller authenticate_http(ApiContext& context, const ApiRequest& request, const Route* route) {
  const bool open = route != nullptr && route->access == Access::open;
  const bool changes = is_state_changing(request.method);
  Caller caller;
  if (!open) {
    if (context.accounts == nullptr)
      throw ApiError(401, "unauthenticated", "this listener has no admin accounts");
    const auto token = session_cookie(request.cookie);
    // A background read (the UI polling) neither renews the idle timer nor,
    // being a read, changes anything.
    auth::SessionEnd why{};
    const auto session =
        context.accounts->authenticate(token, !(request.background && !changes), &why);
    if (!session) throw session_ended(why, context.accounts->idle_timeout());
    caller = Caller{session->session.admin_id, session->session.username, token};
    if (changes) {
      check_same_origin(request);
      check_csrf(request, session->csrf_token);
    }
  } else if (changes) {
    check_same_origin(request);
  }
  if (changes) check_json_content_type(request);
  return caller;
}

ApiResponse dispatch_site(ApiContext& context, const ApiRequest& request) {
  Target target;
  try {
    target = split_target(request.target);
  } catch (const std::invalid_argument&) {
    return error_reply(400, "bad_path", "the path is not allowed");
  }
  auto match = match_site_route(request, target.path);
  if (match.route == nullptr) throw NotFoundError("no such page");
  try {
    RouteCall call(request, context, Caller{}, target, match.params);
    return match.route->handler(call);
  } catch (...) {
    return reply_for_current_exception();
  }
}

[[noreturn]] void throw_locked() {
  throw ApiError(423, "locked",
                 "picketd is locked: run `picket unlock` on the server and enter the passphrase");
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ApiResponse dispatch(ApiContext& context, const ApiRequest& request, bool authenticate,
                     ResponseCache* cache) {
  if (request.body.size() > kMaxRequestBody)
    throw ApiError(413, "body_too_large", "the request body is too large");
  if (is_site_request(request)) return dispatch_site(context, request);
  auto target = split_target(request.target);
  if (target.path.size() < 2 || target.path[0] != "api" || target.path[1] != "v1") {
    if (context.service == nullptr) throw_locked();
    throw NotFoundError("unknown API path; the API lives under /api/v1/");
  }
  const std::span<const std::string> path(target.path.begin() + 2, target.path.end());
  auto match = match_route(request.method, path);
  if (context.service == nullptr && !match.path_while_locked) throw_locked();
  Caller caller{std::nullopt, "root", ""};
  if (authenticate) {
    // Unix-only routes do not exist on the network.
    if (match.route != nullptr && match.route->access == Access::unix_only) match.route = nullptr;
    caller = authenticate_http(context, request, match.route);
  }
  if (!request.body.empty() && has_duplicate_keys(request.body)) {
    throw ApiError(400, "duplicate_key",
                   "the request body names a field twice; send each once (nothing was changed)");
  }
  const bool cacheable = cache != nullptr && match.route != nullptr && match.route->cacheable;
  if (cacheable) {
    if (const auto* hit = cache->find(request.target, steady_ms())) return *hit;
  }
  // The password check comes before any handler and takes the field out of
  // the body it sees.
  std::optional<ApiRequest> checked;
  if (match.route != nullptr && match.route->access == Access::password) {
    checked = request;
    checked->body = require_password(context.accounts, request, caller);
  }
  const ApiRequest& effective = checked ? *checked : request;
  auto response = [&]() -> ApiResponse {
    try {
      if (match.route == nullptr) {
        if (match.path_exists)
          throw ApiError(405, "method_not_allowed", "this method is not allowed on this path");
        throw NotFoundError("unknown API path");
      }
      RouteCall call(effective, context, caller, target, match.params);
      return match.route->handler(call);
    } catch (...) {
      return reply_for_current_exception();
    }
  }();
  if (cacheable) cache->store(request.target, response, steady_ms());
  return response;
}

ApiResponse Api::run(const ApiRequest& request) {
  try {
    return dispatch(context_, request, request.transport != Transport::unix_socket, &cache_);
  } catch (...) {
    return reply_for_current_exception();
  }
}

ApiResponse Api::finish(const ApiRequest& request, ApiResponse response,
                        std::chrono::steady_clock::time_point started) {
  // The UI's files and /metrics are not API calls: nothing to count or clear.
  if (is_site_request(request)) return response;
  // Any change may show in any listing (a login or logout changes none, but
  // telling them apart is not worth a stale answer).
  if (is_state_changing(request.method) && response.status < 400) cache_.clear();
  if (is_state_changing(request.method) && response.status >= 500 && failed_change_)
    failed_change_();
  metrics_.count(request, response,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

ApiResponse Api::handle(const ApiRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  return finish(request, run(request), started);
}

bool Api::may_wait_for_password(const ApiRequest& request) {
  if (request.transport != Transport::http || is_site_request(request)) return false;
  try {
    const auto target = split_target(request.target);
    if (target.path.size() < 2) return false;
    const std::span<const std::string> path(target.path.begin() + 2, target.path.end());
    const auto match = match_route(request.method, path);
    // Logins, setup and recovery links (open) and every password-checked
    // change; a route outside these that checks a password runs it inline.
    return match.route != nullptr &&
           (match.route->access == Access::open || match.route->access == Access::password);
  } catch (const std::invalid_argument&) {
    return false;  // dispatch answers the malformed target
  }
}

void Api::handle_async(ApiRequest request, Offload offload, Respond respond) {
  const auto started = std::chrono::steady_clock::now();
  if (!may_wait_for_password(request)) {
    respond(finish(request, run(request), started));
    return;
  }
  auto shared = std::make_shared<const ApiRequest>(std::move(request));
  auto coroutine = RequestCoroutine::start(
      [this, shared] { return run(*shared); }, std::move(offload),
      [this, shared, started, respond = std::move(respond)](ApiResponse response) {
        respond(finish(*shared, std::move(response), started));
      });
  std::erase_if(suspended_, [](const auto& weak) {
    const auto alive = weak.lock();
    return !alive || alive->done();
  });
  if (!coroutine->done()) suspended_.push_back(coroutine);
}

void Api::cancel_suspended() {
  auto suspended = std::move(suspended_);
  for (const auto& weak : suspended)
    if (auto coroutine = weak.lock()) coroutine->cancel();
}

}  // namespace picket::controller::api
