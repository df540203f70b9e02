#include <catch2/catch.hpp>

#include "picket/controller/render.hpp"
#include "render_fixture.hpp"

using picket::controller::key_fingerprint;
using picket::gateway::Key;

// Expected values: python3 -c "import hashlib; print(hashlib.sha256(bytes(32)).hexdigest()[:20])"
TEST_CASE("fingerprint: first 10 bytes of SHA-256, five groups of four hex digits", "[render]") {
  REQUIRE(key_fingerprint(Key()) == "6668 7aad f862 bd77 6c8f");
  REQUIRE(key_fingerprint(Key(picket::controller::test::ramp(1))) == "ae21 6c2e f524 7a37 82c1");
}
