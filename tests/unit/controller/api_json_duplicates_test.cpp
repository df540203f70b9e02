// A JSON body that names a key twice is refused before any handler sees it.
#include <catch2/catch.hpp>

#include "api/json_duplicates.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using picket::controller::test::ApiFixture;

TEST_CASE("json: duplicate keys are found at any depth, after unescaping", "[api][json]") {
  CHECK_FALSE(api::has_duplicate_keys(R"({"a":1,"b":2})"));
  CHECK_FALSE(api::has_duplicate_keys(R"({"a":{"a":1},"b":[{"a":1},{"a":2}]})"));
  CHECK_FALSE(api::has_duplicate_keys(R"([{"a":1},{"a":1}])"));
  CHECK(api::has_duplicate_keys(R"({"a":1,"a":2})"));
  CHECK(api::has_duplicate_keys(R"({"a":1,"\u0061":2})"));
  CHECK(api::has_duplicate_keys(R"({"x":{"b":[{"c":1,"c":1}]}})"));
  CHECK(api::has_duplicate_keys(R"({"x":{"a":1},"y":2,"y":3})"));
  CHECK_FALSE(api::has_duplicate_keys("{\"a\":"));  // not JSON: the handler says so
  CHECK_FALSE(api::has_duplicate_keys(""));
}

TEST_CASE("api: a body with a repeated key is refused and changes nothing", "[api][json]") {
  ApiFixture f;
  f.setup_and_login();
  auto answer = f.call(f.browser("POST", "/api/v1/members", R"({"label":"alice","label":"bob"})"));
  CHECK(answer.status == 400);
  CHECK(ApiFixture::json_of(answer).at("code") == "duplicate_key");
  // A repeated password field cannot smuggle one value past the check and
  // another to the handler.
  answer = f.call(f.browser("PUT", "/api/v1/audit/settings",
                            std::string(R"({"retention_days":5,"password":")") +
                                test::kAdminPassword + R"(","password":"x"})"));
  CHECK(answer.status == 400);
  CHECK(f.call(f.unix_socket("POST", "/api/v1/members", R"({"label":"a","note":"x","note":"y"})"))
            .status == 400);
  CHECK(f.service->list_members().empty());
}
