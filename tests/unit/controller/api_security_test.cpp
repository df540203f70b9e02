// The API's gate, enumerated from the route table: no session → 401 on
// every route; state changes need the CSRF token and the same origin; a
// cookie from before login is never accepted after it.
#include <catch2/catch.hpp>
#include <regex>

#include "api/route_table.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using picket::controller::test::ApiFixture;

namespace {

// A concrete path for a route pattern: every {param} becomes "x".
std::string concrete(std::string_view pattern) {
  return std::string(api::kApiPrefix) +
         std::regex_replace(std::string(pattern), std::regex("\\{[a-z]+\\}"), "x");
}

}  // namespace

TEST_CASE("api: every route without a session answers 401", "[api]") {
  ApiFixture f;
  f.setup_and_login();  // sessions exist; the requests below just do not carry one
  std::size_t checked = 0;
  for (const auto& route : api::all_routes()) {
    if (route.access != api::Access::session && route.access != api::Access::password) continue;
    INFO(route.method << " " << route.pattern);
    auto request = f.http(std::string(route.method), concrete(route.pattern), "{}");
    CHECK(f.call(request).status == 401);
    request.cookie = "picket_session=forged-or-expired-token";
    CHECK(f.call(request).status == 401);
    ++checked;
  }
  CHECK(checked >= 20);
  // The firewall's and the DNS resolver's routes are in the same table.
  CHECK(api::match_route("PUT", std::vector<std::string>{"firewall"}).route != nullptr);
  CHECK(api::match_route("PATCH", std::vector<std::string>{"dns"}).route != nullptr);
  // Unknown paths do not reveal whether they exist.
  CHECK(f.call(f.http("GET", "/api/v1/nothing/here")).status == 401);
}

TEST_CASE("api: unix-only routes do not exist over HTTP, even logged in", "[api]") {
  ApiFixture f;
  CHECK(f.call(f.unix_socket("GET", "/api/v1/setup")).status == 200);
  f.setup_and_login();
  for (const auto& route : api::all_routes()) {
    if (route.access != api::Access::unix_only) continue;
    INFO(route.method << " " << route.pattern);
    const auto status =
        f.call(f.browser(std::string(route.method), concrete(route.pattern))).status;
    CHECK((status == 404 || status == 405));
  }
}

TEST_CASE("api: state changes need the CSRF token, JSON and the same origin", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const std::string body = R"({"label":"carol"})";

  auto missing = f.browser("POST", "/api/v1/members", body);
  missing.csrf_token.clear();
  auto answer = f.call(missing);
  CHECK(answer.status == 403);
  CHECK(ApiFixture::json_of(answer).at("code") == "csrf_missing");

  auto wrong = f.browser("POST", "/api/v1/members", body);
  // Change the first character to one it is not (a fixed "x" would equal
  // the real token once in 64 sessions).
  wrong.csrf_token = (f.csrf.front() == 'x' ? "y" : "x") + f.csrf.substr(1);
  CHECK(ApiFixture::json_of(f.call(wrong)).at("code") == "csrf_invalid");

  auto foreign = f.browser("POST", "/api/v1/members", body);
  foreign.origin = "https://evil.example";
  CHECK(f.call(foreign).status == 403);
  auto cross_site = f.browser("POST", "/api/v1/members", body);
  cross_site.sec_fetch_site = "cross-site";
  cross_site.origin.clear();
  CHECK(f.call(cross_site).status == 403);

  auto form = f.browser("POST", "/api/v1/members", body);
  form.content_type = "text/plain";
  CHECK(f.call(form).status == 415);

  CHECK(f.service->list_members().empty());  // nothing refused changed anything
  CHECK(f.call(f.browser("POST", "/api/v1/members", body)).status == 201);
  // Reads need no CSRF token.
  auto read = f.browser("GET", "/api/v1/members");
  read.csrf_token.clear();
  CHECK(f.call(read).status == 200);
}

TEST_CASE("api: a session cookie from before login is not accepted after it", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const auto first = f.session_cookie;
  // Log out; then a login that still presents the old cookie gets a new one.
  CHECK(f.call(f.browser("DELETE", "/api/v1/session")).status == 200);
  CHECK(f.call(f.browser("GET", "/api/v1/session")).status == 401);
  const auto planted = std::string("picket_session=attacker-chosen-value");
  f.session_cookie = planted;
  f.login();
  CHECK(f.session_cookie != planted);
  CHECK(f.session_cookie != first);
  auto old = f.browser("GET", "/api/v1/session");
  old.cookie = first;
  CHECK(f.call(old).status == 401);
  old.cookie = planted;
  CHECK(f.call(old).status == 401);
  CHECK(f.call(f.browser("GET", "/api/v1/session")).status == 200);
}

TEST_CASE("api: login answers 401 for a wrong TOTP and 429 for a burst", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const auto code = f.current_code();
  const nlohmann::json wrong = {{"username", "ana"},
                                {"password", test::kAdminPassword},
                                {"totp", code == "123456" ? "654321" : "123456"}};
  auto answer = f.call(f.http("POST", "/api/v1/session", wrong.dump()));
  CHECK(answer.status == 401);
  CHECK(ApiFixture::json_of(answer).at("code") == "login_failed");
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    const auto response = f.call(f.http("POST", "/api/v1/session", wrong.dump()));
    if (response.status == 429) {
      ++limited;
      CHECK(ApiFixture::set_cookie_of(response).empty());
    }
  }
  CHECK(limited > 0);
  // The cookie and Set-Cookie attributes.
  f.now += 20 * 60;
  const auto login = f.login();
  const auto cookie = ApiFixture::set_cookie_of(login);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP here
}

TEST_CASE("api: the setup route is open once, then refuses", "[api]") {
  ApiFixture f;
  const auto token = *f.accounts->setup_token();
  const nlohmann::json bad = {
      {"setup_token", "nope"}, {"username", "ana"}, {"password", test::kAdminPassword}};
  CHECK(f.call(f.http("POST", "/api/v1/setup", bad.dump())).status == 403);
  f.setup_and_login();
  const nlohmann::json again = {
      {"setup_token", token}, {"username", "eve"}, {"password", test::kAdminPassword}};
  CHECK(f.call(f.http("POST", "/api/v1/setup", again.dump())).status == 403);
  CHECK(f.accounts->list().size() == 1);
}
