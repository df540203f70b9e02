// TOTP against the RFC 6238 appendix B vectors (SHA-1), and the window and
// base32 encoding that authenticator apps rely on.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "auth/totp.hpp"

using namespace picket::controller::auth;

namespace {
const std::string kRfcSecret = "12345678901234567890";
std::vector<std::uint8_t> rfc_secret() {
  return {kRfcSecret.begin(), kRfcSecret.end()};
}
}  // namespace

TEST_CASE("auth: TOTP codes match RFC 6238 appendix B (SHA-1, 8 digits)", "[auth]") {
  const auto secret = rfc_secret();
  CHECK(totp_code(secret, 59 / 30, 8) == "94287082");
  CHECK(totp_code(secret, 1111111109 / 30, 8) == "07081804");
  CHECK(totp_code(secret, 1111111111 / 30, 8) == "14050471");
  CHECK(totp_code(secret, 1234567890 / 30, 8) == "89005924");
  CHECK(totp_code(secret, 2000000000 / 30, 8) == "69279037");
  CHECK(totp_code(secret, 20000000000 / 30, 8) == "65353130");
  CHECK(totp_code(secret, 59 / 30) == "287082");  // 6 digits: the last six
}

TEST_CASE("auth: a TOTP code is accepted one step either side, not further", "[auth]") {
  const auto secret = rfc_secret();
  const std::int64_t now = 1'800'000'000;
  const auto step = now / 30;
  CHECK(totp_match(secret, totp_code(secret, step), now) == step);
  CHECK(totp_match(secret, totp_code(secret, step - 1), now) == step - 1);
  CHECK(totp_match(secret, totp_code(secret, step + 1), now) == step + 1);
  CHECK_FALSE(totp_match(secret, totp_code(secret, step - 2), now));
  CHECK_FALSE(totp_match(secret, totp_code(secret, step + 2), now));
  CHECK_FALSE(totp_match(secret, "", now));
  CHECK_FALSE(totp_match(secret, "12345", now));
}

TEST_CASE("auth: base32 and the otpauth URI", "[auth]") {
  CHECK(base32_encode(rfc_secret()) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  const std::vector<std::uint8_t> foobar{'f', 'o', 'o', 'b', 'a', 'r'};
  CHECK(base32_encode(foobar) == "MZXW6YTBOI");  // RFC 4648, unpadded
  CHECK(otpauth_uri("ana", rfc_secret()) ==
        "otpauth://totp/Picket:ana?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Picket&"
        "algorithm=SHA1&digits=6&period=30");
}
