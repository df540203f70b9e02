// /metrics and the UI's files answer from the same route table and dispatch
// as the API (site_routes.cpp), with the answers the listeners gave when
// they routed these paths themselves.
#include <catch2/catch.hpp>

#include "api/api_handler.hpp"
#include "api/replies.hpp"

using namespace picket::controller;

namespace {

ApiResponse call(api::ApiContext& context, const std::string& method, const std::string& target,
                 Transport transport = Transport::http, bool metrics_listener = false) {
  ApiRequest request;
  request.method = method;
  request.target = target;
  request.transport = transport;
  request.metrics_listener = metrics_listener;
  try {
    return api::dispatch(context, request, transport == Transport::http);
  } catch (...) {
    return api::reply_for_current_exception();
  }
}

}  // namespace

TEST_CASE("site routes: /metrics only on the listener that serves it", "[api][site]") {
  api::ApiContext context;  // no Service: site routes never need one
  context.metrics = [] { return std::string("picket_up 1\n"); };
  const auto served = call(context, "GET", "/metrics", Transport::http, true);
  CHECK(served.status == 200);
  CHECK(served.body == "picket_up 1\n");
  CHECK(served.content_type == "text/plain; version=0.0.4");
  // Elsewhere the path is the UI's, which has no such file.
  CHECK(call(context, "GET", "/metrics").status != 200);
  // The unix socket serves the API only.
  CHECK(call(context, "GET", "/metrics", Transport::unix_socket).status == 423);
}

TEST_CASE("site routes: the UI's paths take no session and keep their answers", "[api][site]") {
  api::ApiContext context;
  // The file table answers what it does not serve with 405, not the API's 401.
  const auto posted = call(context, "POST", "/index.html");
  CHECK(posted.status == 405);
  CHECK(posted.content_type.empty());
  CHECK(call(context, "GET", "/a/../b").status == 400);
  CHECK(call(context, "GET", "/x%zz").status == 400);
  // Under /api/ the API answers (without a Service here: 423 locked).
  CHECK(call(context, "GET", "/api/v2/anything").status == 423);
}
