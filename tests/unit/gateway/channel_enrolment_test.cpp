#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "picket/gateway/channel/codec.hpp"
#include "picket/gateway/channel/enrolment.hpp"
#include "picket/gateway/channel/tls.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;
using namespace std::chrono_literals;
using Clock = EnrolmentBook::Clock;

namespace {

const std::string kPin = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";  // SHA-256 of ""
const Clock::time_point now = Clock::time_point(std::chrono::hours(500'000));

std::string base64url_of(const std::string& text) {
  // Through the token's own encoder: a token whose body is `text`.
  std::string out;
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : text) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string body_token(const nlohmann::json& body) {
  return base64url_of(body.dump());
}

nlohmann::json good_body() {
  return {{"v", 1},
          {"host", "ctl.example.org"},
          {"port", 7443},
          {"pin", kPin},
          {"secret", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}};
}

}  // namespace

TEST_CASE("channel enrolment: a token round-trips", "[channel]") {
  EnrolmentBook book;
  const EnrolmentToken token = book.issue("ctl.example.org", 7443, kPin, now + 1h);
  const std::string text = token.encode();
  CHECK(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);
  const EnrolmentToken back = EnrolmentToken::parse("  " + text + "\n");
  CHECK(back.host == "ctl.example.org");
  CHECK(back.port == 7443);
  CHECK(back.controller_pin == kPin);
  CHECK(back.secret == token.secret);
  CHECK_FALSE(back.secret.is_zero());

  const EnrolmentToken by_address = book.issue("2001:db8::7", 443, kPin, now + 1h);
  CHECK(EnrolmentToken::parse(by_address.encode()).host == "2001:db8::7");
  // Two tokens never share a secret.
  CHECK_FALSE(by_address.secret == token.secret);
  CHECK(EnrolmentToken::parse(body_token(good_body())).port == 7443);
}

TEST_CASE("channel enrolment: bad tokens are refused with what to do", "[channel]") {
  const std::string good = body_token(good_body());
  CHECK_THROWS_WITH(EnrolmentToken::parse(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(EnrolmentToken::parse(good.substr(0, good.size() - 7)),
                    Catch::Contains("copy it again"));
  CHECK_THROWS_WITH(EnrolmentToken::parse(good + "!"), Catch::Contains("not base64url"));
  CHECK_THROWS_WITH(EnrolmentToken::parse(std::string(2000, 'A')), Catch::Contains("too long"));

  const std::pair<const char*, nlohmann::json> cases[] = {
      {"v", 2},        {"host", "ctl example"}, {"host", ""},       {"port", 0},
      {"port", 70000}, {"pin", "short"},        {"secret", "AQID"}, {"secret", 12},
  };
  for (const auto& [field, value] : cases) {
    nlohmann::json body = good_body();
    body[field] = value;
    INFO(field);
    CHECK_THROWS_AS(EnrolmentToken::parse(body_token(body)), ProtocolError);
  }
  nlohmann::json extra = good_body();
  extra["admin"] = true;
  CHECK_THROWS_WITH(EnrolmentToken::parse(body_token(extra)), Catch::Contains("unknown field"));
  nlohmann::json missing = good_body();
  missing.erase("secret");
  CHECK_THROWS_WITH(EnrolmentToken::parse(body_token(missing)),
                    Catch::Contains("missing its field 'secret'"));
  // The secret is never quoted back.
  nlohmann::json short_secret = good_body();
  short_secret["secret"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHy";
  try {
    (void)EnrolmentToken::parse(body_token(short_secret));
    FAIL("accepted");
  } catch (const ProtocolError& e) {
    CHECK_THAT(e.what(), !Catch::Contains("AQIDBAUG"));
  }
}

TEST_CASE("channel enrolment: a secret is taken once", "[channel]") {
  EnrolmentBook book;
  const EnrolmentToken token = book.issue("ctl.example.org", 7443, kPin, now + 1h);
  CHECK(book.any_pending(now));
  CHECK(book.consume(token.secret, now) == EnrolmentBook::Check::accepted);
  CHECK(book.consume(token.secret, now) == EnrolmentBook::Check::unknown);
  CHECK_FALSE(book.any_pending(now));
  CHECK(book.consume(test::test_secret(4), now) == EnrolmentBook::Check::unknown);
}

TEST_CASE("channel enrolment: an expired secret is refused and gone", "[channel]") {
  EnrolmentBook book;
  const EnrolmentToken old = book.issue("ctl.example.org", 7443, kPin, now + 1min);
  const EnrolmentToken fresh = book.issue("ctl.example.org", 7443, kPin, now + 1h);
  CHECK(book.consume(old.secret, now + 2min) == EnrolmentBook::Check::expired);
  CHECK(book.consume(old.secret, now) == EnrolmentBook::Check::unknown);
  book.prune(now + 2h);
  CHECK(book.pending().empty());
  CHECK(book.consume(fresh.secret, now) == EnrolmentBook::Check::unknown);
}

TEST_CASE("channel enrolment: pending secrets are bounded and can be put back", "[channel]") {
  EnrolmentBook book(2);
  (void)book.issue("ctl.example.org", 1, kPin, now + 1h);
  (void)book.issue("ctl.example.org", 1, kPin, now + 1h);
  CHECK_THROWS_WITH(book.issue("ctl.example.org", 1, kPin, now + 1h), Catch::Contains("pending"));
  CHECK_THROWS_AS(EnrolmentBook().issue("", 1, kPin, now), ProtocolError);
  CHECK_THROWS_AS(EnrolmentBook().issue("ctl", 0, kPin, now), ProtocolError);
  CHECK_THROWS_AS(EnrolmentBook().issue("ctl", 1, "not-a-pin", now), ProtocolError);

  EnrolmentBook restored;
  restored.add(test::test_secret(8), now + 1h);
  CHECK(restored.consume(test::test_secret(8), now) == EnrolmentBook::Check::accepted);
}
