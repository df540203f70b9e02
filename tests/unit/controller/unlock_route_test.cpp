// The unlock routes answer from the route table before the Service exists
// (locked mode): the same target parser, the same error map, and 423 for
// every other route.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/api_handler.hpp"
#include "api/replies.hpp"

using namespace picket::controller;

namespace {

struct LockedApi {
  api::UnlockHooks hooks;
  api::ApiContext context;
  bool unlocked = false;
  std::string given;

  LockedApi() {
    hooks.status = [this] { return api::UnlockHooks::Status{true, unlocked, false}; };
    hooks.unlock = [this](const std::string& passphrase) -> std::string {
      if (passphrase != "correct horse battery")
        throw api::ApiError(403, "passphrase_wrong", "the passphrase is wrong");
      given = passphrase;
      unlocked = true;
      return "created";
    };
    context.unlock = &hooks;
  }

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& body = "", Transport transport = Transport::unix_socket) {
    ApiRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.transport = transport;
    try {
      return api::dispatch(context, request, transport != Transport::unix_socket);
    } catch (...) {
      return api::reply_for_current_exception();
    }
  }
};

std::string code_of(const ApiResponse& response) {
  return nlohmann::json::parse(response.body).value("code", "");
}

}  // namespace

TEST_CASE("unlock: the target is parsed as every API target is", "[unlock]") {
  LockedApi api;
  CHECK(api.call("GET", "/api/v1/unlock").status == 200);
  CHECK(api.call("GET", "/api/v1/unlock?x=1").status == 200);
  CHECK(api.call("GET", "/api/v1/%75nlock").status == 200);  // decoded after splitting
  for (const auto* other :
       {"/api/v1/unlock/", "/api/v1/unlocked", "/api/v1/un%2Flock", "/api/v2/unlock", "/metrics"}) {
    INFO(other);
    const auto answer = api.call("GET", other);
    CHECK(answer.status == 423);
    CHECK(code_of(answer) == "locked");
  }
  CHECK(api.call("GET", "/api/v1/unlock%zz").status == 400);  // malformed escape
}

TEST_CASE("unlock: while locked every other route answers 423", "[unlock]") {
  LockedApi api;
  for (const auto& route : api::all_routes()) {
    if (route.while_locked) continue;
    std::string path(route.pattern);
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{'))
      path.replace(open, path.find('}', open) - open + 1, "x");
    INFO(route.method << " " << path);
    CHECK(api.call(std::string(route.method), "/api/v1" + path, "{}").status == 423);
  }
  const auto status = nlohmann::json::parse(api.call("GET", "/api/v1/unlock").body);
  CHECK(status.at("locked_mode") == true);
  CHECK(status.at("unlocked") == false);
}

TEST_CASE("unlock: the passphrase's errors come through the one error map", "[unlock]") {
  LockedApi api;
  CHECK(api.call("PUT", "/api/v1/unlock", "{}").status == 405);
  auto bad_body = api.call("POST", "/api/v1/unlock", R"({"pass":"x"})");
  CHECK(bad_body.status == 400);
  CHECK(code_of(bad_body) == "invalid_request");
  auto wrong = api.call("POST", "/api/v1/unlock", R"({"passphrase":"wrong one here"})");
  CHECK(wrong.status == 403);
  CHECK(code_of(wrong) == "passphrase_wrong");
  CHECK_FALSE(api.unlocked);

  auto good = api.call("POST", "/api/v1/unlock", R"({"passphrase":"correct horse battery"})");
  CHECK(good.status == 200);
  CHECK(nlohmann::json::parse(good.body).at("sealed_state") == "created");
  auto again = api.call("POST", "/api/v1/unlock", R"({"passphrase":"correct horse battery"})");
  CHECK(again.status == 409);
  CHECK(code_of(again) == "already_unlocked");
}

TEST_CASE("unlock: the routes do not exist over HTTP", "[unlock]") {
  LockedApi api;
  // No session can exist while locked: the table refuses before any route.
  CHECK(api.call("GET", "/api/v1/unlock", "", Transport::http).status != 200);
  CHECK(api.call("POST", "/api/v1/unlock", R"({"passphrase":"correct horse battery"})",
                 Transport::http)
            .status != 200);
  CHECK_FALSE(api.unlocked);
}
