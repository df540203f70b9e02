// What the web admin for organizers needs from the API: setup confirmed by
// a code, root's recovery links, polling that does not keep a session
// alive, sessions that say why they ended, failed logins in the audit trail,
// members with their devices, a device add that never leaves a stray
// member, and one call that cuts a whole member off.
#include <catch2/catch.hpp>

#include "api_fixture.hpp"
#include "auth/totp.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;

namespace {

std::string header_of(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "";
}

}  // namespace

TEST_CASE("api: setup stays open until its code confirms the first admin", "[api]") {
  ApiFixture f;
  const auto token = *f.accounts->setup_token();
  const json setup = {
      {"setup_token", token}, {"username", "ana"}, {"password", test::kAdminPassword}};
  const auto shown = f.call(f.http("POST", "/api/v1/setup", setup.dump()));
  REQUIRE(shown.status == 201);
  f.totp_secret = ApiFixture::json_of(shown).at("totp_secret");
  // A reload: the same link and the same answers again.
  const auto again = f.call(f.http("POST", "/api/v1/setup", setup.dump()));
  REQUIRE(again.status == 201);
  CHECK(ApiFixture::json_of(again).at("totp_secret") == f.totp_secret);
  CHECK(f.call(f.unix_socket("GET", "/api/v1/setup")).body.find(token) != std::string::npos);
  CHECK(f.accounts->list().empty());

  const auto wrong_code = f.current_code() == "000000" ? "111111" : "000000";
  const auto refused = f.call(f.http("POST", "/api/v1/setup/confirm",
                                     json{{"setup_token", token}, {"totp", wrong_code}}.dump()));
  CHECK(refused.status == 400);
  CHECK(ApiFixture::json_of(refused).at("code") == "code_wrong");
  CHECK(ApiFixture::json_of(refused).at("error").get<std::string>().find("does not match") !=
        std::string::npos);
  const auto confirmed =
      f.call(f.http("POST", "/api/v1/setup/confirm",
                    json{{"setup_token", token}, {"totp", f.current_code()}}.dump()));
  REQUIRE(confirmed.status == 200);
  CHECK(header_of(confirmed, "Set-Cookie").find("picket_session=") == 0);
  CHECK(ApiFixture::json_of(confirmed).at("admin").at("username") == "ana");
  CHECK(f.accounts->list().size() == 1);
  CHECK(ApiFixture::json_of(f.call(f.unix_socket("GET", "/api/v1/setup")))
            .at("setup_token")
            .is_null());
  CHECK(f.call(f.http("POST", "/api/v1/setup", setup.dump())).status == 403);
}

TEST_CASE("api: root's recovery link gives a locked-out admin a new authenticator", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const json what = {{"what", "totp"}};
  // Not on the network, even for a logged-in admin.
  const auto over_http =
      f.call(f.browser("POST", "/api/v1/admins/ana/reset-link", what.dump())).status;
  CHECK((over_http == 404 || over_http == 405));
  CHECK(
      f.call(f.unix_socket("POST", "/api/v1/admins/ana/reset-link", R"({"what":"both"})")).status ==
      400);
  const auto made = f.call(f.unix_socket("POST", "/api/v1/admins/ana/reset-link", what.dump()));
  REQUIRE(made.status == 201);
  const auto link = ApiFixture::json_of(made);
  const std::string token = link.at("token");
  CHECK(link.at("url") == "http://10.77.0.1:8080/#/recover?token=" + token);

  const auto info = f.call(f.http("POST", "/api/v1/recovery", json{{"token", token}}.dump()));
  CHECK(ApiFixture::json_of(info) ==
        json{{"admin", "ana"}, {"what", "totp"}, {"expires_at", link.at("expires_at")}});
  CHECK(f.call(f.http("POST", "/api/v1/recovery/totp",
                      json{{"token", token}, {"password", "not the password"}}.dump()))
            .status == 401);
  const auto shown =
      f.call(f.http("POST", "/api/v1/recovery/totp",
                    json{{"token", token}, {"password", test::kAdminPassword}}.dump()));
  REQUIRE(shown.status == 200);
  const auto old_secret = f.totp_secret;
  f.totp_secret = ApiFixture::json_of(shown).at("totp_secret");
  CHECK(f.totp_secret != old_secret);
  f.now += auth::kTotpStepSeconds;
  const auto done = f.call(f.http("POST", "/api/v1/recovery/totp/confirm",
                                  json{{"token", token}, {"totp", f.current_code()}}.dump()));
  REQUIRE(done.status == 200);
  CHECK(header_of(done, "Set-Cookie").find("picket_session=") == 0);
  // The earlier session ended with the old factor.
  CHECK(f.call(f.browser("GET", "/api/v1/session")).status == 401);
  CHECK(f.call(f.http("POST", "/api/v1/recovery", json{{"token", token}}.dump())).status == 403);

  const auto trail =
      ApiFixture::json_of(f.call(f.unix_socket("GET", "/api/v1/audit?q=admin%20ana")));
  std::vector<std::string> actions;
  for (const auto& entry : trail.at("entries")) actions.push_back(entry.at("action"));
  CHECK(actions.at(0) == "admin.reset_totp");
  CHECK(actions.at(1) == "admin.reset_totp_link");
}

TEST_CASE("api: a password reset link sets a new password and ends the sessions", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const auto made =
      f.call(f.unix_socket("POST", "/api/v1/admins/ana/reset-link", R"({"what":"password"})"));
  const std::string token = ApiFixture::json_of(made).at("token");
  CHECK(f.call(f.http("POST", "/api/v1/recovery/totp",
                      json{{"token", token}, {"password", test::kAdminPassword}}.dump()))
            .status == 400);
  const auto done =
      f.call(f.http("POST", "/api/v1/recovery/password",
                    json{{"token", token}, {"password", "a brand new passphrase"}}.dump()));
  REQUIRE(done.status == 200);
  CHECK(f.call(f.browser("GET", "/api/v1/session")).status == 401);
  f.now += auth::kTotpStepSeconds;
  const json login = {
      {"username", "ana"}, {"password", "a brand new passphrase"}, {"totp", f.current_code()}};
  CHECK(f.call(f.http("POST", "/api/v1/session", login.dump())).status == 200);
}

TEST_CASE("api: polling does not keep a session alive, its end says why", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  auto poll = f.browser("GET", "/api/v1/devices?limit=50");
  poll.background = true;
  for (std::int64_t t = 0; t + 5 < auth::SessionTable::kIdleTimeout; t += 5) {
    REQUIRE(f.call(poll).status == 200);
    f.now += 5;
  }
  f.now += 5;
  const auto ended = f.call(poll);
  CHECK(ended.status == 401);
  CHECK(ApiFixture::json_of(ended).at("code") == "session_idle");
  CHECK(ApiFixture::json_of(ended).at("error").get<std::string>().find(
            "30 minutes without activity") != std::string::npos);
  // Without the header a read is the admin acting, and renews the session.
  f.login();
  poll = f.browser("GET", "/api/v1/devices?limit=50");
  poll.background = true;
  for (std::int64_t t = 0; t < 2 * auth::SessionTable::kIdleTimeout; t += 60) {
    REQUIRE(f.call(f.browser("GET", "/api/v1/devices")).status == 200);
    f.now += 60;
  }
  // A background header on a change does not spare it the renewal either.
  f.now += auth::SessionTable::kIdleTimeout - 100;
  auto change = f.browser("POST", "/api/v1/members", R"({"label":"alice"})");
  change.background = true;
  CHECK(f.call(change).status == 201);
  f.now += auth::SessionTable::kIdleTimeout - 100;
  CHECK(f.call(poll).status == 200);
  // A session that was never there says so in its own words.
  auto stranger = f.http("GET", "/api/v1/devices");
  stranger.cookie = "picket_session=made-up";
  CHECK(ApiFixture::json_of(f.call(stranger)).at("code") == "unauthenticated");
}

TEST_CASE("api: failed logins and the lockout are in the audit trail, without addresses", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const json bad = {{"username", "ana"}, {"password", "wrong password!!"}, {"totp", "000000"}};
  for (std::size_t i = 0; i < auth::Accounts::kFailuresPerAccount; ++i)
    CHECK(f.call(f.http("POST", "/api/v1/session", bad.dump())).status == 401);
  const auto limited = f.call(f.http("POST", "/api/v1/session", bad.dump()));
  CHECK(limited.status == 429);
  CHECK(std::stoi(header_of(limited, "Retry-After")) > 0);
  const json stranger = {{"username", "my-password-by-mistake"}, {"password", "x"}, {"totp", "1"}};
  CHECK(f.call(f.http("POST", "/api/v1/session", stranger.dump())).status == 401);

  const auto trail = ApiFixture::json_of(f.call(f.unix_socket("GET", "/api/v1/audit?limit=20")));
  std::size_t failed = 0, locked = 0;
  for (const auto& entry : trail.at("entries")) {
    const std::string text = entry.dump();
    CHECK(text.find("10.77.0.2") == std::string::npos);  // the source address
    CHECK(text.find("my-password-by-mistake") == std::string::npos);
    if (entry.at("action") == "admin.login_failed") ++failed;
    if (entry.at("action") == "admin.locked_out") {
      ++locked;
      CHECK(entry.at("actor") == "ana");
    }
  }
  CHECK(failed == auth::Accounts::kFailuresPerAccount + 1);
  CHECK(locked == 1);
}

TEST_CASE("api: a refused device add leaves no member, an accepted one makes both", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  const auto code_of = [&f](const json& body) {
    const auto response = f.call(f.browser("POST", "/api/v1/members/carol/devices", body.dump()));
    return std::pair{response.status,
                     ApiFixture::json_of(response).value("code", std::string("(none)"))};
  };
  // Each with the admin's password, so each is refused for its own reason.
  const json bad_key = {{"label", "phone"},
                        {"public_key", "not a key"},
                        {"create_member", true},
                        {"password", test::kAdminPassword}};
  CHECK(code_of(bad_key) == std::pair{400, std::string("invalid_input")});
  CHECK(f.service->list_members().empty());
  f.backend.fail_operation(1);
  const json good = {{"label", "phone"},
                     {"public_key", ApiFixture::new_key().base64()},
                     {"create_member", true},
                     {"note", "night shift"},
                     {"password", test::kAdminPassword}};
  CHECK(code_of(good) == std::pair{503, std::string("apply_failed")});
  CHECK(f.service->list_members().empty());
  const json stray_note = {{"label", "phone"},
                           {"public_key", ApiFixture::new_key().base64()},
                           {"note", "x"},
                           {"password", test::kAdminPassword}};
  CHECK(code_of(stray_note).first == 400);
  CHECK(f.service->list_members().empty());
  REQUIRE(code_of(good).first == 201);
  CHECK(f.service->list_members().at(0).note == "night shift");
  const auto trail = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/audit?limit=2")));
  CHECK(trail.at("entries").at(0).at("action") == "device.add");
  CHECK(trail.at("entries").at(1).at("action") == "member.add");
}

TEST_CASE("api: members list their devices, one call cuts a member off, no password", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  for (const char* member : {"alice", "bob", "carol"}) f.service->add_member(member, "");
  for (const char* label : {"phone", "laptop"}) {
    NewDevice device;
    device.label = label;
    device.public_key = ApiFixture::new_key();
    f.service->add_device("alice", device);
  }
  NewDevice bobs;
  bobs.label = "phone";
  bobs.public_key = ApiFixture::new_key();
  f.service->add_device("bob", bobs);

  auto members = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/members"))).at("members");
  REQUIRE(members.size() == 3);
  CHECK(members.at(0).at("devices") == 2);
  CHECK(members.at(0).at("devices_enabled") == 2);
  CHECK(members.at(0).at("last_handshake") == 0);
  CHECK(members.at(2).at("devices") == 0);  // carol, with no device, is listed too

  const auto cut = f.call(f.browser("POST", "/api/v1/members/alice/disable-devices", "{}"));
  REQUIRE(cut.status == 200);
  CHECK(ApiFixture::json_of(cut).at("disabled") == 2);
  CHECK(f.backend.state().peers.size() == 1);  // only bob's phone is left
  members = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/members"))).at("members");
  CHECK(members.at(0).at("devices") == 2);
  CHECK(members.at(0).at("devices_enabled") == 0);
  CHECK(f.call(f.browser("POST", "/api/v1/members/nobody/disable-devices", "{}")).status == 404);
  const auto trail = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/audit?limit=1")));
  CHECK(trail.at("entries").at(0).at("action") == "member.disable_devices");
  CHECK(trail.at("entries").at(0).at("target") == "member alice (2 devices)");
}
