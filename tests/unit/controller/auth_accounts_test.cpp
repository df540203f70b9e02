// Admin accounts: the one-time setup token, login with TOTP or a recovery
// code, replayed and wrong codes, rate limits, session timeouts and logout.
#include <catch2/catch.hpp>

#include "auth/accounts.hpp"
#include "auth/totp.hpp"
#include "picket/controller/errors.hpp"
#include "store/admin_store.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using namespace picket::controller::auth;

namespace {

constexpr const char* kPassword = "tulip marble ferry 88";

std::vector<std::uint8_t> decode_base32(const std::string& text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

struct Fixture {
  test::TempDir dir;
  Store store{dir / "picket.db"};
  std::int64_t now = 1'800'000'000;
  Accounts accounts{store, [this] { return now; }};

  Enrollment first_admin(const std::string& name = "ana") {
    return accounts.setup(*accounts.setup_token(), name, kPassword, "10.0.0.9");
  }
  std::string code_for(const Enrollment& e, std::int64_t offset_steps = 0) {
    return totp_code(decode_base32(e.totp_secret), now / kTotpStepSeconds + offset_steps);
  }
  Credentials credentials(const std::string& name, std::string password,
                          std::optional<std::string> totp, const std::string& source = "10.0.0.9") {
    return Credentials{name, std::move(password), std::move(totp), std::nullopt, source};
  }
};

}  // namespace

TEST_CASE("auth: the setup token creates the first admin once, then is void", "[auth]") {
  Fixture f;
  REQUIRE(f.accounts.setup_token());
  const auto token = *f.accounts.setup_token();
  CHECK_THROWS_AS(f.accounts.setup("wrong", "ana", kPassword, "x"), SetupRefused);
  CHECK_THROWS_AS(f.accounts.setup(token, "ana", "weak", "x"), std::invalid_argument);
  CHECK(AdminStore(f.store).count() == 0);  // refused setups changed nothing
  const auto enrollment = f.accounts.setup(token, "ana", kPassword, "x");
  CHECK(enrollment.recovery_codes.size() == Accounts::kRecoveryCodes);
  CHECK(enrollment.totp_secret.size() == 32);
  CHECK_FALSE(f.accounts.setup_token());
  CHECK_THROWS_AS(f.accounts.setup(token, "eve", kPassword, "x"), SetupRefused);
  // A restart with an admin in the database makes no new token.
  Accounts again(f.store, [&] { return f.now; });
  CHECK_FALSE(again.setup_token());
}

TEST_CASE("auth: login needs the password and a fresh TOTP code", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", "wrong password!!", f.code_for(e))),
                  LoginFailed);
  const auto wrong_code = f.code_for(e) == "000000" ? "111111" : "000000";
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, wrong_code)), LoginFailed);
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e, 3))), LoginFailed);
  CHECK_THROWS_AS(f.accounts.login(f.credentials("nobody", kPassword, f.code_for(e))), LoginFailed);
  const auto result = f.accounts.login(f.credentials("ana", kPassword, f.code_for(e)));
  CHECK(result.session_token.size() == 43);  // 256 bits, base64url
  CHECK(f.accounts.authenticate(result.session_token)->session.username == "ana");
  // The same code again is a replay, even within its 30 seconds.
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))), LoginFailed);
  f.now += 30;
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))));
}

TEST_CASE("auth: a recovery code works once", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  Credentials c{"ana", kPassword, std::nullopt, e.recovery_codes.at(3), "src"};
  CHECK_NOTHROW(f.accounts.login(c));
  CHECK_THROWS_AS(f.accounts.login(c), LoginFailed);
  CHECK(f.accounts.list().at(0).recovery_codes_left == Accounts::kRecoveryCodes - 1);
}

TEST_CASE("auth: failed logins are limited per account and per source", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  for (std::size_t i = 0; i < Accounts::kFailuresPerAccount; ++i) {
    CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", "wrong password!!", "000000",
                                                   "src-" + std::to_string(i))),
                    LoginFailed);
  }
  // Even the right password is refused now, from any source, without a hint.
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "elsewhere")),
                  RateLimited);
  f.now += Accounts::kAccountWindow;
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "elsewhere")));

  // One source trying many usernames hits the per-source limit.
  for (std::size_t i = 0; i < Accounts::kFailuresPerSource; ++i) {
    CHECK_THROWS_AS(
        f.accounts.login(f.credentials("user" + std::to_string(i), "x", "000000", "attacker")),
        LoginFailed);
  }
  CHECK_THROWS_AS(f.accounts.login(f.credentials("zed", "x", "000000", "attacker")), RateLimited);
}

TEST_CASE("auth: sessions end idle, absolutely, and by logout everywhere", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  auto login = [&] {
    f.now += 30;
    return f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))).session_token;
  };
  const auto idle = login();
  f.now += SessionTable::kIdleTimeout;
  CHECK_FALSE(f.accounts.authenticate(idle));

  const auto busy = login();
  for (std::int64_t t = 0; t < SessionTable::kAbsoluteTimeout;
       t += SessionTable::kIdleTimeout / 2) {
    REQUIRE(f.accounts.authenticate(busy));
    f.now += SessionTable::kIdleTimeout / 2;
  }
  CHECK_FALSE(f.accounts.authenticate(busy));

  const auto one = login();
  const auto two = login();
  CHECK(f.accounts.authenticate(one)->csrf_token != f.accounts.authenticate(two)->csrf_token);
  f.accounts.logout(one);
  CHECK_FALSE(f.accounts.authenticate(one));
  CHECK(f.accounts.authenticate(two));
  const auto three = login();
  f.accounts.logout_everywhere(e.admin.id);
  CHECK_FALSE(f.accounts.authenticate(two));
  CHECK_FALSE(f.accounts.authenticate(three));
}

TEST_CASE("auth: admins are several; the last one cannot be removed", "[auth]") {
  Fixture f;
  f.first_admin();
  CHECK_THROWS_AS(f.accounts.create_admin("Bad Name", kPassword), std::invalid_argument);
  CHECK_THROWS_AS(f.accounts.create_admin("ana", kPassword), ConflictError);
  f.accounts.create_admin("ben", "another fine passphrase");
  CHECK(f.accounts.list().size() == 2);
  f.accounts.remove_admin("ana");
  CHECK_THROWS_AS(f.accounts.remove_admin("ben"), ConflictError);
  CHECK_THROWS_AS(f.accounts.remove_admin("ana"), NotFoundError);
}

TEST_CASE("auth: remote failures never lock out a loopback login with a good code", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  // Anyone on the tunnel fills ana's account limit.
  for (std::size_t i = 0; i < Accounts::kFailuresPerAccount; ++i)
    CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", "wrong password!!", "000000",
                                                   "10.77.0." + std::to_string(i + 2))),
                    LoginFailed);
  // The lock holds for every other source, the right password included...
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "10.77.0.9")),
                  RateLimited);
  // ...and on the server itself for anyone without the second factor.
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, "000000", "127.0.0.1")),
                  RateLimited);
  // The admin at the server (ssh -L) with a fresh code gets in.
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "127.0.0.1")));
  f.now += kTotpStepSeconds;
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "::1")));
}

TEST_CASE("auth: a good code from loopback has a limit of its own", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  for (std::size_t i = 0; i < Accounts::kFailuresPerAccount; ++i)
    CHECK_THROWS_AS(
        f.accounts.login(f.credentials("ana", "wrong password!!", "000000", "10.0.0.7")),
        LoginFailed);
  // Someone on the server with the phone but not the password: a few tries only.
  for (std::size_t i = 0; i < Accounts::kFailuresWithCodeFromLoopback; ++i)
    CHECK_THROWS_AS(
        f.accounts.login(f.credentials("ana", "wrong password!!", f.code_for(e), "127.0.0.1")),
        LoginFailed);
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "127.0.0.1")),
                  RateLimited);
  // Root unlocks: every count of the account starts again.
  CHECK_THROWS_AS(f.accounts.unlock("nobody"), NotFoundError);
  f.accounts.unlock("ana");
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "10.0.0.7")));
}

TEST_CASE("auth: wrong setup tokens never block a login from the same source", "[auth]") {
  Fixture f;
  const auto token = *f.accounts.setup_token();
  for (std::size_t i = 0; i < Accounts::kSetupFailuresPerSource; ++i)
    CHECK_THROWS_AS(f.accounts.setup("wrong", "ana", kPassword, "127.0.0.1"), SetupRefused);
  CHECK_THROWS_AS(f.accounts.setup(token, "ana", kPassword, "127.0.0.1"), RateLimited);
  const auto e = f.accounts.setup(token, "ana", kPassword, "10.77.0.2");
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e), "127.0.0.1")));
}

TEST_CASE("auth: password confirmations count per admin, apart from logins", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  const auto id = f.accounts.list().at(0).id;
  for (std::size_t i = 0; i < Accounts::kFailuresPerAccount; ++i)
    CHECK_THROWS_AS(
        f.accounts.login(f.credentials("ana", "wrong password!!", "000000", "10.0.0.7")),
        LoginFailed);
  // A logged-in admin can still burn while strangers hammer the login.
  CHECK_NOTHROW(f.accounts.confirm_password(id, kPassword));
  for (std::size_t i = 0; i < Accounts::kConfirmFailures; ++i)
    CHECK_THROWS_AS(f.accounts.confirm_password(id, "wrong password!!"), LoginFailed);
  CHECK_THROWS_AS(f.accounts.confirm_password(id, kPassword), RateLimited);
  f.now += Accounts::kAccountWindow;
  CHECK_NOTHROW(f.accounts.confirm_password(id, kPassword));
}

TEST_CASE("auth: loopback sources", "[auth]") {
  CHECK(is_loopback_source("127.0.0.1"));
  CHECK(is_loopback_source("127.3.2.1"));
  CHECK(is_loopback_source("::1"));
  CHECK(is_loopback_source("::ffff:127.0.0.1"));
  CHECK_FALSE(is_loopback_source("10.77.0.1"));
  CHECK_FALSE(is_loopback_source("1270::1"));
  CHECK_FALSE(is_loopback_source(""));
  CHECK_FALSE(is_loopback_source("::ffff:10.0.0.1"));
}
