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

  // Set up and confirmed with a code (which is then spent: the clock moves
  // on one step so that tests have fresh codes).
  Enrollment first_admin(const std::string& name = "ana") {
    const auto token = *accounts.setup_token();
    auto enrollment = accounts.setup(token, name, kPassword, "10.0.0.9");
    enrollment.admin = accounts.confirm_setup(token, code_for(enrollment), "10.0.0.9").admin;
    now += kTotpStepSeconds;
    return enrollment;
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
  f.accounts.confirm_setup(token, f.code_for(enrollment), "x");
  CHECK(AdminStore(f.store).count() == 1);
  CHECK_FALSE(f.accounts.setup_token());
  CHECK_THROWS_AS(f.accounts.setup(token, "eve", kPassword, "x"), SetupRefused);
  CHECK_THROWS_AS(f.accounts.confirm_setup(token, f.code_for(enrollment), "x"), SetupRefused);
  // A restart with an admin in the database makes no new token.
  Accounts again(f.store, [&] { return f.now; });
  CHECK_FALSE(again.setup_token());
}

TEST_CASE("auth: the first admin counts only once a code proves the app has the secret", "[auth]") {
  Fixture f;
  const auto token = *f.accounts.setup_token();
  const auto shown = f.accounts.setup(token, "ana", kPassword, "x");
  // Nothing is stored and the link still works: a reload before scanning.
  CHECK(AdminStore(f.store).count() == 0);
  REQUIRE(f.accounts.setup_token() == token);
  // The same name and password again show the same secret and codes, so an
  // app that scanned the first page still fits.
  const auto again = f.accounts.setup(token, "ana", kPassword, "x");
  CHECK(again.totp_secret == shown.totp_secret);
  CHECK(again.recovery_codes == shown.recovery_codes);
  // A wrong code says so, and stores nothing.
  const auto wrong = f.code_for(shown) == "000000" ? "111111" : "000000";
  try {
    f.accounts.confirm_setup(token, wrong, "x");
    FAIL("a wrong code was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("does not match") != std::string::npos);
  }
  CHECK(AdminStore(f.store).count() == 0);
  const auto result = f.accounts.confirm_setup(token, f.code_for(shown), "x");
  CHECK(result.first_admin_created);
  CHECK(f.accounts.authenticate(result.session_token)->session.username == "ana");
  // The confirming code is spent; the recovery codes shown are the ones kept.
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(shown))),
                  LoginFailed);
  Credentials recovery{"ana", kPassword, std::nullopt, shown.recovery_codes.at(0), "x"};
  CHECK_NOTHROW(f.accounts.login(recovery));
}

TEST_CASE("auth: another name or password replaces a pending setup", "[auth]") {
  Fixture f;
  const auto token = *f.accounts.setup_token();
  const auto first = f.accounts.setup(token, "ana", kPassword, "x");
  const auto second = f.accounts.setup(token, "ana", "another fine passphrase", "x");
  CHECK(second.totp_secret != first.totp_secret);
  CHECK_THROWS_AS(f.accounts.confirm_setup(token, f.code_for(first), "x"), std::invalid_argument);
  f.accounts.setup(token, "ben", kPassword, "x");
  CHECK(f.accounts.list().empty());
}

TEST_CASE("auth: a login with the pending admin's password and code confirms it", "[auth]") {
  Fixture f;
  const auto token = *f.accounts.setup_token();
  const auto shown = f.accounts.setup(token, "ana", kPassword, "x");
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", "wrong password!!", f.code_for(shown))),
                  LoginFailed);
  CHECK(AdminStore(f.store).count() == 0);
  const auto result = f.accounts.login(f.credentials("ana", kPassword, f.code_for(shown)));
  CHECK(result.first_admin_created);
  CHECK_FALSE(f.accounts.setup_token());
  CHECK(f.accounts.list().at(0).recovery_codes_left == Accounts::kRecoveryCodes);
  // The code that confirmed is spent like any login code.
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(shown))),
                  LoginFailed);
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

TEST_CASE("auth: admins are several, the last one cannot be removed", "[auth]") {
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

TEST_CASE("auth: root's TOTP reset link needs the password, then a code from the new app",
          "[auth]") {
  Fixture f;
  const auto old = f.first_admin();
  const auto session = f.accounts.login(f.credentials("ana", kPassword, f.code_for(old)));
  CHECK_THROWS_AS(f.accounts.issue_reset("nobody", ResetKind::totp), NotFoundError);
  const auto link = f.accounts.issue_reset("ana", ResetKind::totp);
  CHECK(link.expires_at == f.now + Accounts::kResetLinkLifetime);
  CHECK(f.accounts.reset_info(link.token, "x").username == "ana");
  CHECK_THROWS_AS(f.accounts.reset_info("forged", "x"), SetupRefused);
  CHECK_THROWS_AS(f.accounts.reset_password(link.token, "a brand new passphrase", "x"),
                  std::invalid_argument);
  CHECK_THROWS_AS(f.accounts.start_totp_reset(link.token, "wrong password!!", "x"), LoginFailed);
  const auto shown = f.accounts.start_totp_reset(link.token, kPassword, "x");
  CHECK(shown.totp_secret != old.totp_secret);
  CHECK(f.accounts.start_totp_reset(link.token, kPassword, "x").totp_secret == shown.totp_secret);
  const auto wrong = f.code_for(shown) == "000000" ? "111111" : "000000";
  CHECK_THROWS_AS(f.accounts.confirm_totp_reset(link.token, wrong, "x"), std::invalid_argument);
  // Until confirmed, the old app still logs in.
  f.now += kTotpStepSeconds;
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(old))));
  const auto result = f.accounts.confirm_totp_reset(link.token, f.code_for(shown), "x");
  CHECK(result.admin.username == "ana");
  CHECK(f.accounts.authenticate(result.session_token));
  CHECK_FALSE(f.accounts.authenticate(session.session_token));            // old sessions ended
  CHECK_THROWS_AS(f.accounts.reset_info(link.token, "x"), SetupRefused);  // used once
  f.now += kTotpStepSeconds;
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(old))), LoginFailed);
  Credentials old_code{"ana", kPassword, std::nullopt, old.recovery_codes.at(5), "x"};
  CHECK_THROWS_AS(f.accounts.login(old_code), LoginFailed);
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", kPassword, f.code_for(shown))));
  CHECK(f.accounts.list().at(0).recovery_codes_left == Accounts::kRecoveryCodes);
}

TEST_CASE("auth: root's password reset link sets a new password once", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  const auto session = f.accounts.login(f.credentials("ana", kPassword, f.code_for(e)));
  const auto stale = f.accounts.issue_reset("ana", ResetKind::password);
  const auto link = f.accounts.issue_reset("ana", ResetKind::password);  // voids the first
  CHECK_THROWS_AS(f.accounts.reset_info(stale.token, "x"), SetupRefused);
  CHECK_THROWS_AS(f.accounts.reset_password(link.token, "short", "x"), std::invalid_argument);
  CHECK(f.accounts.reset_password(link.token, "a brand new passphrase", "x") == "ana");
  CHECK_FALSE(f.accounts.authenticate(session.session_token));
  CHECK_THROWS_AS(f.accounts.reset_password(link.token, "yet another passphrase", "x"),
                  SetupRefused);
  f.now += kTotpStepSeconds;
  CHECK_THROWS_AS(f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))), LoginFailed);
  f.now += kTotpStepSeconds;
  CHECK_NOTHROW(f.accounts.login(f.credentials("ana", "a brand new passphrase", f.code_for(e))));
  // An expired link is void.
  const auto late = f.accounts.issue_reset("ana", ResetKind::password);
  f.now += Accounts::kResetLinkLifetime;
  CHECK_THROWS_AS(f.accounts.reset_info(late.token, "x"), SetupRefused);
}

TEST_CASE("auth: wrong recovery tokens count against the source, apart from logins", "[auth]") {
  Fixture f;
  f.first_admin();
  for (std::size_t i = 0; i < Accounts::kSetupFailuresPerSource; ++i)
    CHECK_THROWS_AS(f.accounts.reset_info("guess-" + std::to_string(i), "attacker"), SetupRefused);
  const auto link = f.accounts.issue_reset("ana", ResetKind::password);
  CHECK_THROWS_AS(f.accounts.reset_info(link.token, "attacker"), RateLimited);
  CHECK(f.accounts.reset_info(link.token, "elsewhere").username == "ana");
  // Token guesses never block a login (issue 17: a lockout by anyone).
  CHECK(f.accounts.login_blocked_for("ana", "attacker") == 0);
}

TEST_CASE("auth: background reads do not keep a session alive, and say why it ended", "[auth]") {
  Fixture f;
  const auto e = f.first_admin();
  const auto token = f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))).session_token;
  // Polling every few seconds for longer than the idle limit.
  for (std::int64_t t = 0; t + 5 < SessionTable::kIdleTimeout; t += 5) {
    REQUIRE(f.accounts.authenticate(token, /*renew=*/false));
    f.now += 5;
  }
  f.now += 5;
  SessionEnd why = SessionEnd::unknown;
  CHECK_FALSE(f.accounts.authenticate(token, false, &why));
  CHECK(why == SessionEnd::idle);
  CHECK_FALSE(f.accounts.authenticate(token, true, &why));
  CHECK(why == SessionEnd::unknown);  // gone now

  // A person acting renews it.
  f.now += kTotpStepSeconds;
  const auto busy = f.accounts.login(f.credentials("ana", kPassword, f.code_for(e))).session_token;
  f.now += SessionTable::kIdleTimeout - 1;
  REQUIRE(f.accounts.authenticate(busy, true));
  f.now += SessionTable::kIdleTimeout - 1;
  CHECK(f.accounts.authenticate(busy, false));
}

TEST_CASE("auth: a shorter idle limit (tests) is honoured, a longer one is not", "[auth]") {
  test::TempDir dir;
  Store store{dir / "picket.db"};
  std::int64_t now = 1'800'000'000;
  CHECK(Accounts(
            store, [&] { return now; }, 20)
            .idle_timeout() == 20);
  CHECK(Accounts(
            store, [&] { return now; }, 24 * 3600)
            .idle_timeout() == SessionTable::kIdleTimeout);
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
