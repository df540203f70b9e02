#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/password_jobs.hpp"
#include "auth/rate_limiter.hpp"
#include "auth/sessions.hpp"
#include "store/admin_store.hpp"

namespace picket::controller::auth {

// Login failed: wrong username, password, TOTP or recovery code. The message
// never says which.
class LoginFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class RateLimited : public std::runtime_error {
 public:
  RateLimited(const std::string& message, std::int64_t seconds)
      : std::runtime_error(message), retry_after(seconds) {}
  std::int64_t retry_after;
};
// A code that does not match the authenticator secret just shown (setup,
// TOTP reset): said as such, since the caller holds the link.
class CodeWrong : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
// The setup token is wrong, or an admin already exists.
class SetupRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AdminInfo {
  std::int64_t id = 0;
  std::string username;
  std::int64_t created_at = 0;
  std::size_t recovery_codes_left = 0;
};

// What a new admin needs once: the TOTP secret (for the authenticator app)
// and the recovery codes. Shown in the creating answer only; never again.
struct Enrollment {
  AdminInfo admin;
  std::string totp_secret;  // base32
  std::string otpauth_uri;
  std::vector<std::string> recovery_codes;
};

struct Credentials {
  std::string username;
  std::string password;
  std::optional<std::string> totp;
  std::optional<std::string> recovery_code;
  std::string source;  // the peer address, for the per-source limit
};

struct LoginResult {
  std::string session_token;
  std::string csrf_token;
  AdminInfo admin;
  bool first_admin_created = false;  // this login confirmed the first admin's enrolment
};

// What a one-time recovery link (made by root over the unix socket) lets its
// holder replace: the password, or the authenticator app and recovery codes.
enum class ResetKind { password, totp };

struct ResetLink {
  std::string token;
  std::string username;
  ResetKind kind = ResetKind::totp;
  std::int64_t expires_at = 0;
};

// An authenticator secret and recovery codes that were shown but not yet
// proved with a code: in memory only, and nothing counts until the code
// comes (a page reloaded before the app was scanned costs nothing).
struct PendingEnrolment {
  std::string username;
  std::string password_hash;  // the first admin's; empty for a TOTP reset
  std::vector<std::uint8_t> totp_secret;
  std::vector<std::string> recovery_codes;
  PendingEnrolment() = default;
  PendingEnrolment(const PendingEnrolment&) = delete;
  PendingEnrolment& operator=(const PendingEnrolment&) = delete;
  PendingEnrolment(PendingEnrolment&&) = default;
  PendingEnrolment& operator=(PendingEnrolment&&) = default;
  ~PendingEnrolment();
};

struct SessionView {
  Session session;
  std::string csrf_token;
};

// Admin accounts: first-run setup, creation, login with password and TOTP
// (or a one-time recovery code), sessions, logout. Single-threaded, like the
// Service; the clock is injectable for tests.
//
// Argon2id runs inline, or, on a request's own thread, through its
// PasswordWaiter: the request is then suspended and other requests run
// meanwhile. So whatever a method read before a password job (the admin's
// record, the pending setup, a recovery link, the limits) may have changed
// when the job returns, and each method reads it again after (an admin
// removed or given a new password, a setup finished, a link used: the
// attempt fails as it would have had it arrived then).
class Accounts {
 public:
  using Clock = std::function<std::int64_t()>;
  static constexpr std::size_t kRecoveryCodes = 10;
  static constexpr std::size_t kFailuresPerAccount = 5;
  static constexpr std::int64_t kAccountWindow = 15 * 60;
  static constexpr std::size_t kFailuresPerSource = 10;
  static constexpr std::int64_t kSourceWindow = 5 * 60;
  // Anyone who reaches the API can fill the two limits above for a known
  // username, and everyone on the server shares 127.0.0.1. So a login from
  // the server itself (127.0.0.0/8, ::1: the console or an SSH tunnel) that
  // presents a good, unused TOTP code is not held by them; it has this
  // limit of its own per account, which only someone holding the second
  // factor can fill.
  static constexpr std::size_t kFailuresWithCodeFromLoopback = 5;  // per kAccountWindow
  // Wrong setup tokens count per source on their own, so they never block a
  // login; wrong passwords given to confirm an action count per admin,
  // which only that admin's sessions can fill.
  static constexpr std::size_t kSetupFailuresPerSource = 10;  // per kSourceWindow
  static constexpr std::size_t kConfirmFailures = 5;          // per kAccountWindow

  static constexpr std::int64_t kResetLinkLifetime = 24 * 60 * 60;

  // `idle_timeout`: see SessionTable (only ever shorter than the default).
  Accounts(Store& store, Clock clock, std::int64_t idle_timeout = SessionTable::kIdleTimeout);

  // The one-time setup token while no admin exists; nullopt afterwards.
  const std::optional<std::string>& setup_token() const { return setup_token_; }
  std::int64_t idle_timeout() const { return sessions_.idle_timeout(); }

  // First-admin enrolment (enrolment.cpp). setup() shows the first admin's
  // authenticator secret and recovery codes and keeps them in memory; the
  // admin exists, and the token is void, only once confirm_setup() (or a
  // login with that username, password and a code) proves the app has it.
  // The same username and password again give the same secret, so a reload
  // before scanning loses nothing; another pair replaces the pending one.
  Enrollment setup(const std::string& token, const std::string& username,
                   const std::string& password, const std::string& source);
  // Throws SetupRefused (token), std::invalid_argument (no setup started,
  // wrong code: a message that says which) or RateLimited.
  LoginResult confirm_setup(const std::string& token, const std::string& totp,
                            const std::string& source);

  // Recovery for an admin locked out (enrolment.cpp). Root makes a one-time
  // link for one admin and one factor; it lasts kResetLinkLifetime or until
  // picketd restarts, and a newer link for the same admin and factor voids
  // it. A password link sets a new password (the TOTP still guards login); a
  // TOTP link needs the admin's password and then, like setup, a code from
  // the new secret. Either ends the admin's sessions. Wrong tokens count as
  // failed logins from their source.
  ResetLink issue_reset(const std::string& username, ResetKind kind);
  ResetLink reset_info(const std::string& token, const std::string& source);
  std::string reset_password(const std::string& token, const std::string& new_password,
                             const std::string& source);
  Enrollment start_totp_reset(const std::string& token, const std::string& password,
                              const std::string& source);
  LoginResult confirm_totp_reset(const std::string& token, const std::string& totp,
                                 const std::string& source);

  // Seconds until this username or source may try to log in again (0: now).
  std::int64_t login_blocked_for(const std::string& username, const std::string& source);
  bool has_admin(const std::string& username);
  Enrollment create_admin(const std::string& username, const std::string& password);
  std::vector<AdminInfo> list();
  // Refuses to remove the last admin. Ends the removed admin's sessions.
  void remove_admin(const std::string& username);

  LoginResult login(const Credentials& credentials);
  // `renew`: see SessionTable::touch; `why` says why there is no session.
  std::optional<SessionView> authenticate(const std::string& session_token, bool renew = true,
                                          SessionEnd* why = nullptr);
  void logout(const std::string& session_token) { sessions_.remove(session_token); }
  void logout_everywhere(std::int64_t admin_id) { sessions_.remove_admin(admin_id); }
  std::size_t session_count() const { return sessions_.size(); }
  // The admin re-enters the password before an action that widens access
  // or destroys data (api::Access::password): a session left open on a
  // seized laptop is not enough. Failures count per admin
  // (kConfirmFailures), not against logins. Throws LoginFailed or RateLimited.
  void confirm_password(std::int64_t admin_id, const std::string& password);
  // Clears every failure counted against `username` (logins and
  // confirmations) and against every source address; root's way out of a
  // lockout (`picket admin unlock`). Throws NotFoundError.
  void unlock(const std::string& username);

 private:
  AdminInfo info_of(const AdminRecord& record);
  // Throws RateLimited when a login may not be tried now; otherwise counts
  // it as a failure before its Argon2id runs (taken back if it succeeds or
  // never runs), so attempts at once are held like attempts in a row, and
  // says which share of the worker's queue it waits in.
  JobPriority admit_login(const Credentials& credentials, const std::optional<AdminRecord>& admin,
                          std::int64_t now);
  bool second_factor_ok(AdminRecord& admin, const Credentials& credentials, std::int64_t now);
  // enrolment.cpp
  PendingEnrolment new_enrolment(const std::string& username, std::string password_hash);
  Enrollment enrollment_of(const PendingEnrolment& pending, std::int64_t admin_id);
  std::optional<AdminRecord> confirm_setup_by_login(const Credentials& credentials,
                                                    std::int64_t now);
  void check_setup_token(const std::string& token, const std::string& source, std::int64_t now);
  struct ResetState;
  ResetState& reset_link(const std::string& token, const std::string& source, std::int64_t now);
  LoginResult start_session(const AdminRecord& admin, std::int64_t now);
  PasswordResult password_job(PasswordJob job, JobPriority priority = JobPriority::session);
  // A recovery link as it stands now, or null; counts nothing (the link was
  // found before a password job, and a request for it may have used it since).
  ResetState* reset_link_again(const std::string& token, std::int64_t now);

  AdminStore admins_;
  Clock clock_;
  SessionTable sessions_;
  RateLimiter per_account_{kFailuresPerAccount, kAccountWindow};
  RateLimiter per_source_{kFailuresPerSource, kSourceWindow};
  RateLimiter with_code_from_loopback_{kFailuresWithCodeFromLoopback, kAccountWindow};
  RateLimiter setup_per_source_{kSetupFailuresPerSource, kSourceWindow};
  RateLimiter confirms_{kConfirmFailures, kAccountWindow};
  std::optional<std::string> setup_token_;
  std::optional<PendingEnrolment> setup_pending_;
  struct ResetState {
    std::int64_t admin_id = 0;
    std::string username;
    ResetKind kind = ResetKind::totp;
    std::int64_t expires_at = 0;
    std::optional<PendingEnrolment> pending;
  };
  std::map<Sha256, ResetState> resets_;  // by the SHA-256 of the link's token
};

// Usernames: 1 to 32 of a-z, 0-9, '.', '_', '-', starting with a letter or
// digit. Throws std::invalid_argument.
void validate_username(const std::string& username);

// 127.0.0.0/8, ::1 and their IPv4-mapped forms: a connection from the server itself.
bool is_loopback_source(const std::string& source);

}  // namespace picket::controller::auth
