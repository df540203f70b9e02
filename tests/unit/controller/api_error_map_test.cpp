// One error map for every route: the firewall, access and DNS routes, once
// an extension chain with maps of their own (gateway errors as 503 without
// a code, DNS errors as 400 without one), answer exactly as the resource
// routes do for the same kind of failure.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;

namespace {

std::pair<int, std::string> answer(ApiFixture& f, const std::string& method,
                                   const std::string& target, const std::string& body = "") {
  const auto response = f.call(f.unix_socket(method, target, body));
  const auto parsed = ApiFixture::json_of(response);
  INFO(method << " " << target << " -> " << response.status << " " << response.body);
  REQUIRE(parsed.contains("error"));
  REQUIRE(parsed.contains("code"));
  CHECK_FALSE(parsed.at("error").get<std::string>().empty());
  return {response.status, parsed.at("code").get<std::string>()};
}

}  // namespace

TEST_CASE("api: firewall, access and DNS routes share the one error map", "[api]") {
  ApiFixture f;
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", R"({"label":"alice"})")).status == 201);
  const json device = {{"label", "phone"}, {"public_key", ApiFixture::new_key().base64()}};
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members/alice/devices", device.dump())).status ==
        201);

  using Answer = std::pair<int, std::string>;
  const Answer invalid{400, "invalid_input"};
  const Answer missing{404, "not_found"};
  const Answer conflict{409, "conflict"};

  // Parts picketd runs without: --no-firewall has no access routes (an
  // unknown path, as before the redesign), --no-dns answers a conflict with
  // a code, not a bare 400.
  CHECK(answer(f, "GET", "/api/v1/members/alice/devices/phone/access") == missing);
  CHECK(answer(f, "GET", "/api/v1/no-such-route") == missing);
  CHECK(answer(f, "GET", "/api/v1/dns") == conflict);
  CHECK(answer(f, "PATCH", "/api/v1/dns", R"({"dnssec":false})") == conflict);
  f.gateway.firewall = true;

  // A value of the wrong type, and a field no route knows: the same answer
  // from a resource route and from the firewall and access routes.
  CHECK(answer(f, "POST", "/api/v1/members", R"({"label":5})") == invalid);
  CHECK(answer(f, "PUT", "/api/v1/firewall", R"({"member_to_member":"yes"})") == invalid);
  CHECK(answer(f, "PUT", "/api/v1/firewall", R"({"member_to_member":true,"x":1})") == invalid);
  CHECK(answer(f, "PUT", "/api/v1/members/alice/devices/phone/access",
               R"({"restricted_to":["300.1.2.3/8"]})") == invalid);

  // Something that is not there.
  CHECK(answer(f, "GET", "/api/v1/members/nobody/devices/phone") == missing);
  CHECK(answer(f, "GET", "/api/v1/members/alice/devices/tablet/access") == missing);
  CHECK(answer(f, "PUT", "/api/v1/members/nobody/devices/phone/access", R"({"group":"g"})") ==
        missing);
}

TEST_CASE("api: a refusing gateway is 503 apply_failed, for devices and access alike", "[api]") {
  ApiFixture f;
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", R"({"label":"alice"})")).status == 201);
  f.gateway.refuse_puts = true;
  const json device = {{"label", "phone"}, {"public_key", ApiFixture::new_key().base64()}};
  const auto refused = answer(f, "POST", "/api/v1/members/alice/devices", device.dump());
  CHECK(refused == std::pair<int, std::string>{503, "apply_failed"});
  // Nothing was added, and the device route's own error says so as usual.
  CHECK(f.backend.read().peers.empty());
  CHECK(answer(f, "GET", "/api/v1/members/alice/devices/phone") ==
        std::pair<int, std::string>{404, "not_found"});

  // An access change the gateway refuses: the same answer, and the stored
  // access stays as it was.
  f.gateway.refuse_puts = false;
  f.gateway.firewall = true;
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members/alice/devices", device.dump())).status ==
        201);
  f.gateway.refuse_puts = true;
  CHECK(answer(f, "PUT", "/api/v1/members/alice/devices/phone/access", R"({"group":"crew"})") ==
        std::pair<int, std::string>{503, "apply_failed"});
  f.gateway.refuse_puts = false;
  const auto stored = f.call(f.unix_socket("GET", "/api/v1/members/alice/devices/phone/access"));
  CHECK(ApiFixture::json_of(stored).at("group").is_null());
}
