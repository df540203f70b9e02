// The route table against the OpenAPI document, listings (paging and
// filters), the audit trail, and the unix socket's unchanged answers.
#include <catch2/catch.hpp>
#include <set>

#include "api/openapi.hpp"
#include "api/route_table.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;

TEST_CASE("api: the OpenAPI document lists exactly the routes the server has", "[api]") {
  const auto document = json::parse(api::openapi_document());
  CHECK(document.at("openapi").get<std::string>().rfind("3.", 0) == 0);
  std::set<std::string> documented;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }
  }
  std::set<std::string> served;
  for (const auto& route : api::all_routes())
    served.insert(std::string(route.method) + " " + std::string(api::kApiPrefix) +
                  std::string(route.pattern));
  CHECK(served.count("PUT /api/v1/firewall") == 1);
  CHECK(served.count("PATCH /api/v1/dns") == 1);
  for (const auto& route : served) {
    INFO("served but not documented: " << route);
    CHECK(documented.count(route) == 1);
  }
  for (const auto& route : documented) {
    INFO("documented but not served: " << route);
    CHECK(served.count(route) == 1);
  }
}

TEST_CASE("api: device listings page and filter", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  for (const char* member : {"alice", "bob"}) {
    f.service->add_member(member, "");
    for (int i = 0; i < 5; ++i) {
      NewDevice device;
      device.label = "dev" + std::to_string(i);
      device.public_key = ApiFixture::new_key();
      f.service->add_device(member, device);
    }
  }
  f.service->set_enabled("bob", "dev1", false);

  auto page = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices?limit=3&offset=2")));
  CHECK(page.at("total") == 10);
  CHECK(page.at("devices").size() == 3);
  CHECK(page.at("offset") == 2);
  CHECK(page.at("devices").at(0).at("member") == "alice");
  CHECK_FALSE(page.at("devices").at(0).contains("preshared_key"));

  auto last = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices?limit=4&offset=8")));
  CHECK(last.at("devices").size() == 2);
  auto bobs = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices?member=bob")));
  CHECK(bobs.at("total") == 5);
  auto search = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices?q=DEV4")));
  CHECK(search.at("total") == 2);
  auto disabled = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices?state=disabled")));
  REQUIRE(disabled.at("total") == 1);
  CHECK(disabled.at("devices").at(0).at("label") == "dev1");
  auto members = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/members?limit=1")));
  CHECK(members.at("total") == 2);
  CHECK(members.at("members").size() == 1);

  for (const char* bad :
       {"/api/v1/devices?limit=0", "/api/v1/devices?limit=5000", "/api/v1/devices?offset=-1",
        "/api/v1/devices?limit=abc", "/api/v1/devices?state=happy", "/api/v1/devices?colour=red",
        "/api/v1/devices?limit=1&limit=2"}) {
    INFO(bad);
    CHECK(f.call(f.browser("GET", bad)).status == 400);
  }
}

TEST_CASE("api: the audit trail says which admin did what to which device", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  CHECK(f.call(f.browser("POST", "/api/v1/members", R"({"label":"alice"})")).status == 201);
  const json device = {{"label", "phone"},
                       {"public_key", ApiFixture::new_key().base64()},
                       {"password", test::kAdminPassword}};
  const auto created = f.call(f.browser("POST", "/api/v1/members/alice/devices", device.dump()));
  REQUIRE(created.status == 201);
  const auto params = ApiFixture::json_of(created).at("client");
  CHECK(params.at("gateway_fingerprint").is_string());
  CHECK(params.at("preshared_key").get<std::string>().size() == 44);
  CHECK(f.call(f.browser("POST", "/api/v1/members/alice/devices/phone/disable")).status == 200);
  CHECK(f.call(f.browser("DELETE", "/api/v1/members/alice/devices/phone")).status == 200);
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", R"({"label":"bob"})")).status == 201);
  // A refused request leaves no entry.
  CHECK(f.call(f.browser("DELETE", "/api/v1/members/alice/devices/phone")).status == 404);

  const auto trail = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/audit")));
  const auto& entries = trail.at("entries");
  REQUIRE(entries.size() >= 5);
  CHECK(entries.at(0).at("actor") == "root");
  CHECK(entries.at(0).at("action") == "member.add");
  CHECK(entries.at(1).at("actor") == "ana");
  CHECK(entries.at(1).at("action") == "device.revoke");
  CHECK(entries.at(1).at("target") == "device alice/phone");
  CHECK(entries.at(2).at("action") == "device.disable");
  auto by_ana = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/audit?actor=ana&q=phone")));
  CHECK(by_ana.at("total") == 3);

  const auto retention_body = [](int days) {
    return json{{"retention_days", days}, {"password", test::kAdminPassword}}.dump();
  };
  CHECK(f.call(f.browser("PUT", "/api/v1/audit/settings", retention_body(0))).status == 400);
  const auto retention = f.call(f.browser("PUT", "/api/v1/audit/settings", retention_body(30)));
  CHECK(ApiFixture::json_of(retention).at("retention_days") == 30);
}

TEST_CASE("api: the unix socket keeps its answers and needs no session", "[api]") {
  ApiFixture f;
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", R"({"label":"alice"})")).status == 201);
  const auto list = ApiFixture::json_of(f.call(f.unix_socket("GET", "/api/v1/devices")));
  CHECK(list.at("devices").is_array());
  CHECK(list.at("limit").is_null());
  const auto missing = f.call(f.unix_socket("GET", "/api/v1/nothing"));
  CHECK(missing.status == 404);
  CHECK(ApiFixture::json_of(missing).at("code") == "not_found");
  CHECK(f.call(f.unix_socket("DELETE", "/api/v1/settings")).status == 405);
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", std::string(70000, ' '))).status == 413);
  const auto setup = ApiFixture::json_of(f.call(f.unix_socket("GET", "/api/v1/setup")));
  CHECK(setup.at("url").get<std::string>().find("#/setup?token=") != std::string::npos);
}

TEST_CASE("api: metrics are aggregate counts without labels of people", "[api]") {
  ApiFixture f;
  f.service->add_member("alice", "");
  NewDevice device;
  device.label = "phone";
  device.public_key = ApiFixture::new_key();
  f.service->add_device("alice", device);
  f.call(f.http("GET", "/api/v1/devices"));
  // Active lately: a handshake within 3 minutes, from the listings' figures.
  f.backend.state().peers.at(0).stats.last_handshake_unix = f.now - 30;
  const auto text = f.metrics->render(f.now, f.api->live_figures());
  CHECK(text.find("picket_devices 1\n") != std::string::npos);
  CHECK(text.find("picket_devices_active_3m 1\n") != std::string::npos);
  CHECK(text.find("picket_api_requests_total{class=\"4xx\"} 1\n") != std::string::npos);
  CHECK(text.find("alice") == std::string::npos);
  CHECK(text.find("phone") == std::string::npos);
}

TEST_CASE("api: device listings carry live handshake and transfer, never endpoints", "[api]") {
  ApiFixture f;
  f.setup_and_login();
  f.service->add_member("alice", "");
  for (const char* label : {"phone", "laptop"}) {
    NewDevice device;
    device.label = label;
    device.public_key = ApiFixture::new_key();
    f.service->add_device("alice", device);
  }
  f.service->set_enabled("alice", "laptop", false);
  auto& peer = f.backend.state().peers.at(0);
  peer.stats.endpoint = "198.51.100.7:4242";
  peer.stats.last_handshake_unix = f.now - 30;
  peer.stats.rx_bytes = 4321;
  peer.stats.tx_bytes = 8765;

  const auto page = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/devices")));
  REQUIRE(page.at("devices").size() == 2);
  for (const auto& device : page.at("devices")) {
    INFO(device.dump());
    CHECK_FALSE(device.dump().find("198.51.100.7") != std::string::npos);
    if (device.at("label") == "phone") {
      CHECK(device.at("active") == true);
      CHECK(device.at("last_handshake") == f.now - 30);
      CHECK(device.at("rx_bytes") == 4321);
      CHECK(device.at("tx_bytes") == 8765);
    } else {
      CHECK(device.at("active") == false);
      CHECK(device.at("last_handshake") == 0);
    }
  }
  const auto one =
      ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/members/alice/devices/phone")));
  CHECK(one.at("last_handshake") == f.now - 30);
  CHECK(one.dump().find("198.51.100.7") == std::string::npos);
}
