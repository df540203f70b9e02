// /members/{m}/devices/{d}/assigned-gateways and the device add's
// assigned_gateways: checked like every body, a conflict on a single box.
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "api_fixture.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;
namespace gw = picket::gateway;

namespace {

const char* const kPath = "/api/v1/members/alice/devices/phone/assigned-gateways";

std::pair<int, json> answer(ApiFixture& f, const std::string& method, const std::string& target,
                            const std::string& body = "") {
  const auto response = f.call(f.unix_socket(method, target, body));
  INFO(method << " " << target << " -> " << response.status << " " << response.body);
  return {response.status, ApiFixture::json_of(response)};
}

json new_device(const char* label) {
  return {{"label", label}, {"public_key", ApiFixture::new_key().base64()}};
}

}  // namespace

TEST_CASE("api: assigned gateways on a controller", "[api][gateways]") {
  ApiFixture f;
  f.gateway.endpoints = std::vector<GatewayEndpoint>{
      {"gw-a", "a.example.org:51820", gw::public_key_of(gw::generate_private_key())},
      {"gw-b", "b.example.org:51820", gw::public_key_of(gw::generate_private_key())}};
  REQUIRE(answer(f, "POST", "/api/v1/members", R"({"label":"alice"})").first == 201);

  auto body = new_device("phone");
  body["assigned_gateways"] = {"gw-b"};
  const auto [status, added] = answer(f, "POST", "/api/v1/members/alice/devices", body.dump());
  REQUIRE(status == 201);
  CHECK(added.at("assigned_gateways") == json{"gw-b"});
  REQUIRE(added.at("client").at("gateways").size() == 1);
  CHECK(added.at("client").at("gateways")[0].at("name") == "gw-b");
  CHECK(answer(f, "GET", kPath).second == json{{"assigned_gateways", {"gw-b"}}});

  // Bad bodies are 400 and change nothing.
  for (const char* bad :
       {R"({})", R"({"assigned_gateways":"gw-a"})", R"({"assigned_gateways":[5]})",
        R"({"assigned_gateways":["gw-x"]})", R"({"assigned_gateways":["gw-a","gw-a"]})",
        R"({"assigned_gateways":null,"x":1})"}) {
    INFO(bad);
    const auto refused = answer(f, "PUT", kPath, bad);
    CHECK(refused.first == 400);
    CHECK(refused.second.at("code") == "invalid_input");
  }
  CHECK(answer(f, "GET", kPath).second == json{{"assigned_gateways", {"gw-b"}}});

  const auto moved = answer(f, "PUT", kPath, R"({"assigned_gateways":null})");
  CHECK(moved.first == 200);
  CHECK(moved.second.at("assigned_gateways").is_null());
  CHECK(answer(f, "GET", "/api/v1/members/alice/devices/tablet/assigned-gateways").first == 404);
  auto none = new_device("tablet");
  none["assigned_gateways"] = json::array();
  CHECK(answer(f, "POST", "/api/v1/members/alice/devices", none.dump()).first == 400);
}

TEST_CASE("api: assigned gateways are a conflict on a single box", "[api][gateways]") {
  ApiFixture f;
  REQUIRE(answer(f, "POST", "/api/v1/members", R"({"label":"alice"})").first == 201);
  auto body = new_device("phone");
  body["assigned_gateways"] = {"gw-a"};
  const auto refused = answer(f, "POST", "/api/v1/members/alice/devices", body.dump());
  CHECK(refused.first == 409);
  CHECK(refused.second.at("error").get<std::string>().find("single box") != std::string::npos);
  body["assigned_gateways"] = nullptr;  // null: every gateway, which a single box is
  REQUIRE(answer(f, "POST", "/api/v1/members/alice/devices", body.dump()).first == 201);
  CHECK(answer(f, "GET", kPath).first == 409);
  CHECK(answer(f, "PUT", kPath, R"({"assigned_gateways":null})").first == 409);
}
