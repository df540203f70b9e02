#include "cli/when.hpp"

#include <catch2/catch.hpp>

#include "cli/context.hpp"

using picket::controller::cli::CliError;
using picket::controller::cli::parse_when;

TEST_CASE("expiry times: durations, UTC times and unix seconds", "[cli]") {
  const std::int64_t now = 1'800'000'000;
  CHECK(parse_when("90s", now) == now + 90);
  CHECK(parse_when("90m", now) == now + 5400);
  CHECK(parse_when("12h", now) == now + 43200);
  CHECK(parse_when("30d", now) == now + 30 * 86400);
  CHECK(parse_when("2w", now) == now + 14 * 86400);
  CHECK(parse_when("2026-12-01T18:00:00Z", now) == 1796148000);
  CHECK(parse_when("@1900000000", now) == 1900000000);
}

TEST_CASE("expiry times: bad input names the accepted forms", "[cli]") {
  const std::int64_t now = 1'800'000'000;
  for (const char* bad :
       {"", "0d", "d", "-5m", "5x", "tomorrow", "2026-12-01", "2026-13-01T00:00:00Z", "@", "@-1",
        "@99999999999999999999", "99999999999999w", "5m ", " 5m"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_when(bad, now), Catch::Contains("use a duration like"));
  }
}

TEST_CASE("URL segments are percent-encoded", "[cli]") {
  using picket::controller::cli::encode;
  CHECK(encode("alice") == "alice");
  CHECK(encode("a/b?c") == "a%2Fb%3Fc");
  CHECK(encode("..") == "..");
}
