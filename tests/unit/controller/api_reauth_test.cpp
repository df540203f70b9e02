// A session is not a password (DESIGN principle 12): every route that widens
// access or destroys data asks for the acting admin's password again over
// HTTP, enumerated from the route tables; cutting access off does not; the
// unix socket never does.
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "api/openapi.hpp"
#include "api/route_table.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;

namespace {

std::string concrete(std::string_view pattern) {
  return std::string(api::kApiPrefix) +
         std::regex_replace(std::string(pattern), std::regex("\\{[a-z]+\\}"), "x");
}

struct Endpoint {
  std::string method;
  std::string pattern;
};

std::vector<Endpoint> password_routes() {
  std::vector<Endpoint> out;
  for (const auto& route : api::all_routes())
    if (route.access == api::Access::password)
      out.push_back({std::string(route.method), std::string(route.pattern)});
  return out;
}

void add_device(ApiFixture& f, const std::string& member, const std::string& label) {
  NewDevice device;
  device.label = label;
  device.public_key = ApiFixture::new_key();
  f.service->add_device(member, device);
}

}  // namespace

TEST_CASE("reauth: the routes that widen access or destroy data are the password ones",
          "[api][reauth]") {
  std::set<std::string> names;
  for (const auto& route : password_routes()) names.insert(route.method + " " + route.pattern);
  for (const char* expected :
       {"POST /admins", "DELETE /admins/{admin}", "PUT /audit/settings", "PATCH /settings",
        "DELETE /members/{member}", "POST /members/{member}/devices",
        "POST /members/{member}/devices/{device}/enable",
        "POST /members/{member}/devices/{device}/reissue",
        "PUT /members/{member}/devices/{device}/expiry", "POST /wipe", "POST /burn",
        "POST /gateway-key/rotate", "PUT /firewall",
        "PUT /members/{member}/devices/{device}/access", "PATCH /dns",
        // It may put a device on a gateway it was kept off.
        "PUT /members/{member}/devices/{device}/assigned-gateways"}) {
    INFO(expected);
    CHECK(names.count(expected) == 1);
  }
  // Cutting someone off stays fast: one click, one confirmation, no password.
  for (const char* narrowing :
       {"DELETE /members/{member}/devices/{device}",
        "POST /members/{member}/devices/{device}/disable", "POST /members/{member}/revoke-devices",
        "DELETE /session", "DELETE /sessions", "POST /members"}) {
    INFO(narrowing);
    CHECK(names.count(narrowing) == 0);
  }
}

TEST_CASE("reauth: a session alone is refused on every password route", "[api][reauth]") {
  ApiFixture f;
  f.setup_and_login();
  const auto routes = password_routes();
  REQUIRE(routes.size() >= 15);
  for (const auto& route : routes) {
    INFO(route.method << " " << route.pattern);
    auto answer = f.call(f.browser(route.method, concrete(route.pattern), "{}"));
    CHECK(answer.status == 400);
    CHECK(ApiFixture::json_of(answer).value("code", "") == "password_required");
    answer = f.call(f.browser(route.method, concrete(route.pattern),
                              json{{"password", "not the password"}}.dump()));
    CHECK(answer.status == 403);
    CHECK(ApiFixture::json_of(answer).value("code", "") == "password_wrong");
    // Wrong passwords are limited per admin (5 per window): start afresh.
    f.now += auth::Accounts::kAccountWindow;
    // A DELETE without a body is asked for the password too.
    if (route.method == "DELETE")
      CHECK(f.call(f.browser(route.method, concrete(route.pattern))).status == 400);
  }
}

TEST_CASE("reauth: a stolen session cannot add an admin, the password can", "[api][reauth]") {
  ApiFixture f;
  f.setup_and_login();
  const json new_admin = {{"username", "eve"}, {"new_password", "violet anchor cobalt 12"}};
  auto answer = f.call(f.browser("POST", "/api/v1/admins", new_admin.dump()));
  CHECK(answer.status == 400);
  CHECK(f.accounts->list().size() == 1);
  auto with_password = new_admin;
  with_password["password"] = "violet anchor cobalt 12";  // the new admin's, not ana's
  CHECK(f.call(f.browser("POST", "/api/v1/admins", with_password.dump())).status == 403);
  CHECK(f.accounts->list().size() == 1);
  with_password["password"] = test::kAdminPassword;
  answer = f.call(f.browser("POST", "/api/v1/admins", with_password.dump()));
  REQUIRE(answer.status == 201);
  CHECK(ApiFixture::json_of(answer).contains("totp_secret"));
  CHECK(f.accounts->list().size() == 2);
  // Removing an admin needs it as well.
  CHECK(f.call(f.browser("DELETE", "/api/v1/admins/eve")).status == 400);
  CHECK(f.accounts->list().size() == 2);
  CHECK(f.call(f.browser("DELETE", "/api/v1/admins/eve",
                         json{{"password", test::kAdminPassword}}.dump()))
            .status == 200);
  CHECK(f.accounts->list().size() == 1);
}

TEST_CASE("reauth: removing a member needs the password, cutting it off does not",
          "[api][reauth]") {
  ApiFixture f;
  f.setup_and_login();
  f.service->add_member("alice", "");
  add_device(f, "alice", "phone");
  add_device(f, "alice", "laptop");
  CHECK(f.call(f.browser("DELETE", "/api/v1/members/alice")).status == 400);
  CHECK(f.backend.read().peers.size() == 2);
  CHECK(f.call(f.browser("POST", "/api/v1/members/alice/devices/phone/disable", "{}")).status ==
        200);
  CHECK(f.call(f.browser("DELETE", "/api/v1/members/alice/devices/laptop")).status == 200);
  CHECK(f.backend.read().peers.empty());
  // Switching the phone back on widens access again.
  CHECK(f.call(f.browser("POST", "/api/v1/members/alice/devices/phone/enable", "{}")).status ==
        400);
  CHECK(f.call(f.browser("POST", "/api/v1/members/alice/devices/phone/enable",
                         json{{"password", test::kAdminPassword}}.dump()))
            .status == 200);
  CHECK(f.backend.read().peers.size() == 1);
  CHECK(f.call(f.browser("DELETE", "/api/v1/members/alice",
                         json{{"password", test::kAdminPassword}}.dump()))
            .status == 200);
  CHECK(f.service->list_members().empty());
}

TEST_CASE("reauth: the handler never sees the password, the unix socket needs none",
          "[api][reauth]") {
  ApiFixture f;
  f.setup_and_login();
  f.service->add_member("alice", "");
  // The device route allows no 'password' field of its own: it got through
  // because the check took it out.
  const json device = {{"label", "phone"},
                       {"public_key", ApiFixture::new_key().base64()},
                       {"password", test::kAdminPassword}};
  CHECK(f.call(f.browser("POST", "/api/v1/members/alice/devices", device.dump())).status == 201);
  // Root over the unix socket: no password, and one given is ignored.
  CHECK(
      f.call(f.unix_socket(
                 "POST", "/api/v1/members/alice/devices",
                 json{{"label", "laptop"}, {"public_key", ApiFixture::new_key().base64()}}.dump()))
          .status == 201);
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members/alice/devices/laptop/enable",
                             json{{"password", "anything"}}.dump()))
            .status == 200);
  CHECK(f.call(f.unix_socket("DELETE", "/api/v1/members/alice")).status == 200);
}

TEST_CASE("reauth: the OpenAPI document marks exactly the password routes", "[api][reauth]") {
  const auto document = json::parse(api::openapi_document());
  std::set<std::string> marked;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!operation.value("x-picket-password", false)) continue;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      marked.insert(upper + " " + path);
    }
  }
  std::set<std::string> served;
  for (const auto& route : password_routes())
    served.insert(route.method + " " + std::string(api::kApiPrefix) + route.pattern);
  CHECK(marked == served);
}
