// The routes outside /api/v1 on the HTTP listeners: /metrics (only where
// the listener serves it, the loopback one) and the web UI's compiled-in
// files for every other path. They take no session, so the UI can load
// before a login; they never reach the Service.
#include "api/replies.hpp"
#include "api/route_table.hpp"
#include "picket/controller/errors.hpp"
#include "web/static_response.hpp"

namespace picket::controller::api {

namespace {

// The UI's files come from a compiled-in table, so no path can reach the
// disk; a path with dot segments or a backslash is still refused outright.
bool plain_path(std::string_view target) {
  try {
    for (const auto& segment : split_target(target).path) {
      if (segment == ".." || segment == "." ||
          segment.find_first_of(std::string_view("\\\0/", 3)) != std::string::npos) {
        return false;
      }
    }
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

ApiResponse ui_file(RouteCall& call) {
  const auto& request = call.request;
  if (!plain_path(request.target)) return error_reply(400, "bad_path", "the path is not allowed");
  const auto file = web::serve_static(
      {request.method, request.target, request.accept_encoding, request.if_none_match});
  ApiResponse response;
  response.status = file.status;
  response.content_type.clear();
  response.headers = file.headers;
  response.body = std::string(file.body);
  return response;
}

ApiResponse metrics(RouteCall& call) {
  if (!call.context.metrics) throw NotFoundError("no metrics here");
  ApiResponse response;
  response.content_type = "text/plain; version=0.0.4";
  response.body = call.context.metrics();
  return response;
}

// "{*}" takes the rest of the path; "*" any method (the file table answers
// 405 for what it does not serve).
const Route kRoutes[] = {
    {"GET", "/metrics", metrics, Access::metrics_listener},
    {"*", "/{*}", ui_file, Access::open},
};

}  // namespace

std::span<const Route> site_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
