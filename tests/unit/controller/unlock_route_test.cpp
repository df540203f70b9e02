// The unlock route is answered before the API exists (locked mode), so it
// is matched outside the route table, but with the API's own target parser.
#include <catch2/catch.hpp>

#include "daemon/locked_mode.hpp"

using picket::controller::ApiRequest;
using picket::controller::is_unlock_request;

namespace {
bool unlock(const std::string& target) {
  ApiRequest request;
  request.method = "POST";
  request.target = target;
  return is_unlock_request(request);
}
}  // namespace

TEST_CASE("unlock: the target is parsed as every API target is") {
  CHECK(unlock("/api/v1/unlock"));
  CHECK(unlock("/api/v1/unlock?x=1"));
  CHECK(unlock("/api/v1/%75nlock"));  // decoded after splitting, as the API does
  CHECK_FALSE(unlock("/api/v1/unlock/"));
  CHECK_FALSE(unlock("/api/v1/unlocked"));
  CHECK_FALSE(unlock("/api/v1/un%2Flock"));
  CHECK_FALSE(unlock("/api/v1/unlock%zz"));  // malformed: the API answers 400
  CHECK_FALSE(unlock("/api/v2/unlock"));
}
