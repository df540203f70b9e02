// First-admin enrolment and recovery links: the parts of Accounts where an
// authenticator secret is shown before it counts. Nothing here is stored
// until a code from the new secret proves the admin's app holds it.
#include <sodium.h>

#include <algorithm>

#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/totp.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::auth {

namespace {

constexpr const char* kLinkGone =
    "this recovery link is unknown, used or expired; root on the server can make a new one "
    "with `picket admin reset-totp NAME` or `picket admin reset-password NAME`";

std::vector<std::vector<std::uint8_t>> hashes_of(const std::vector<std::string>& codes) {
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& code : codes) out.push_back(hash_bytes(code));
  return out;
}

const char* kCodeWrong =
    "that code does not match the QR code on this page; check that the phone's clock is right "
    "and type the code the app shows now (it changes every 30 seconds)";

}  // namespace

PendingEnrolment::~PendingEnrolment() {
  sodium_memzero(totp_secret.data(), totp_secret.size());
  for (auto& code : recovery_codes) sodium_memzero(code.data(), code.size());
}

PendingEnrolment Accounts::new_enrolment(const std::string& username, std::string password_hash) {
  PendingEnrolment pending;
  pending.username = username;
  pending.password_hash = std::move(password_hash);
  pending.totp_secret = random_bytes(kTotpSecretBytes);
  for (std::size_t i = 0; i < kRecoveryCodes; ++i)
    pending.recovery_codes.push_back(new_recovery_code());
  return pending;
}

Enrollment Accounts::enrollment_of(const PendingEnrolment& pending, std::int64_t admin_id) {
  Enrollment out;
  out.admin = AdminInfo{admin_id, pending.username, clock_(), pending.recovery_codes.size()};
  out.totp_secret = base32_encode(pending.totp_secret);
  out.otpauth_uri = otpauth_uri(pending.username, pending.totp_secret);
  out.recovery_codes = pending.recovery_codes;
  return out;
}

LoginResult Accounts::start_session(const AdminRecord& admin, std::int64_t now) {
  LoginResult result;
  result.session_token = sessions_.create(admin.id, admin.username, now);
  result.csrf_token = sessions_.csrf_token(result.session_token);
  result.admin = info_of(admin);
  return result;
}

void Accounts::check_setup_token(const std::string& token, const std::string& source,
                                 std::int64_t now) {
  // Guessing the setup token is limited like a login, on a count of its own
  // (so wrong tokens never block a login).
  if (const auto wait = setup_per_source_.blocked_for(source, now))
    throw RateLimited("too many wrong setup tokens or codes from here; try again later", wait);
  if (!setup_token_) throw SetupRefused("setup is done: an admin already exists; log in instead");
  if (!equal_constant_time(token, *setup_token_)) {
    setup_per_source_.record_failure(source, now);
    throw SetupRefused(
        "the setup token is wrong; `picket admin setup-url` on the server prints it");
  }
}

Enrollment Accounts::setup(const std::string& token, const std::string& username,
                           const std::string& password, const std::string& source) {
  const auto now = clock_();
  check_setup_token(token, source, now);
  validate_username(username);
  check_password_strength(password, username);
  if (setup_pending_ && setup_pending_->username == username) {
    const auto shown = setup_pending_->password_hash;
    const bool same = password_job({PasswordJob::Kind::verify, shown, password}).verified;
    // The same page again (a reload) shows the same secret, if it is still
    // the one pending after the check.
    if (same && setup_pending_ && setup_pending_->password_hash == shown) {
      check_setup_token(token, source, clock_());
      return enrollment_of(*setup_pending_, 0);
    }
  }
  auto hash = password_job({PasswordJob::Kind::hash, "", password}).hash;
  // Setup may have been finished by another request while the hash was made.
  check_setup_token(token, source, clock_());
  setup_pending_ = new_enrolment(username, std::move(hash));
  return enrollment_of(*setup_pending_, 0);
}

LoginResult Accounts::confirm_setup(const std::string& token, const std::string& totp,
                                    const std::string& source) {
  const auto now = clock_();
  check_setup_token(token, source, now);
  if (!setup_pending_) {
    throw std::invalid_argument(
        "this setup has not shown an authenticator code yet; enter a username and password first");
  }
  const auto step = totp_match(setup_pending_->totp_secret, totp, now);
  if (!step) {
    setup_per_source_.record_failure(source, now);
    throw CodeWrong(kCodeWrong);
  }
  AdminRecord record;
  record.username = setup_pending_->username;
  record.password_hash = setup_pending_->password_hash;
  record.totp_secret = setup_pending_->totp_secret;
  auto stored = admins_.insert(record, hashes_of(setup_pending_->recovery_codes));
  sodium_memzero(record.totp_secret.data(), record.totp_secret.size());
  // The code that confirmed the app is spent, like any code used to log in.
  admins_.set_totp_last_step(stored.id, *step);
  setup_token_.reset();
  setup_pending_.reset();
  auto result = start_session(stored, now);
  result.first_admin_created = true;
  return result;
}

// Scripts (and older pages) log in right after setup: that first login with
// a good code confirms the enrolment. A mismatch is an ordinary failed login.
std::optional<AdminRecord> Accounts::confirm_setup_by_login(const Credentials& credentials,
                                                            std::int64_t now) {
  if (!setup_pending_ || setup_pending_->username != credentials.username || !credentials.totp)
    return std::nullopt;
  const auto shown = setup_pending_->password_hash;
  if (!password_job({PasswordJob::Kind::verify, shown, credentials.password}).verified)
    return std::nullopt;
  // Still the same pending setup after the check (not finished or replaced).
  if (!setup_token_ || !setup_pending_ || setup_pending_->username != credentials.username ||
      setup_pending_->password_hash != shown) {
    return std::nullopt;
  }
  if (!totp_match(setup_pending_->totp_secret, *credentials.totp, now)) return std::nullopt;
  AdminRecord record;
  record.username = setup_pending_->username;
  record.password_hash = setup_pending_->password_hash;
  record.totp_secret = setup_pending_->totp_secret;
  auto stored = admins_.insert(record, hashes_of(setup_pending_->recovery_codes));
  sodium_memzero(record.totp_secret.data(), record.totp_secret.size());
  setup_token_.reset();
  setup_pending_.reset();
  return stored;
}

ResetLink Accounts::issue_reset(const std::string& username, ResetKind kind) {
  const auto now = clock_();
  auto admin = admins_.by_username(username);
  if (!admin) throw NotFoundError("there is no admin with this username; see `picket admin list`");
  sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
  std::erase_if(resets_, [&](const auto& entry) {
    return entry.second.expires_at <= now ||
           (entry.second.admin_id == admin->id && entry.second.kind == kind);
  });
  ResetLink link{random_token(), admin->username, kind, now + kResetLinkLifetime};
  resets_[sha256(link.token)] = ResetState{admin->id, admin->username, kind, link.expires_at, {}};
  return link;
}

Accounts::ResetState& Accounts::reset_link(const std::string& token, const std::string& source,
                                           std::int64_t now) {
  // A recovery link's token is guessed like the setup token: the same count.
  if (const auto wait = setup_per_source_.blocked_for(source, now))
    throw RateLimited("too many wrong links or codes from here; try again later", wait);
  const auto it = resets_.find(sha256(token));
  if (it == resets_.end() || it->second.expires_at <= now || !admins_.by_id(it->second.admin_id)) {
    if (it != resets_.end()) resets_.erase(it);
    setup_per_source_.record_failure(source, now);
    throw SetupRefused(kLinkGone);
  }
  return it->second;
}

Accounts::ResetState* Accounts::reset_link_again(const std::string& token, std::int64_t now) {
  const auto it = resets_.find(sha256(token));
  if (it == resets_.end() || it->second.expires_at <= now || !admins_.by_id(it->second.admin_id))
    return nullptr;
  return &it->second;
}

ResetLink Accounts::reset_info(const std::string& token, const std::string& source) {
  const auto& link = reset_link(token, source, clock_());
  return ResetLink{"", link.username, link.kind, link.expires_at};
}

std::string Accounts::reset_password(const std::string& token, const std::string& new_password,
                                     const std::string& source) {
  const auto now = clock_();
  auto& link = reset_link(token, source, now);
  if (link.kind != ResetKind::password)
    throw std::invalid_argument(
        "this recovery link is for the authenticator app, not the password");
  check_password_strength(new_password, link.username);
  const auto hash = password_job({PasswordJob::Kind::hash, "", new_password}).hash;
  // The link as it stands after the hash: another request may have used it.
  auto* still = reset_link_again(token, clock_());
  if (still == nullptr || still->kind != ResetKind::password) throw SetupRefused(kLinkGone);
  admins_.set_password_hash(still->admin_id, hash);
  sessions_.remove_admin(still->admin_id);
  const auto username = still->username;
  resets_.erase(sha256(token));
  return username;
}

Enrollment Accounts::start_totp_reset(const std::string& token, const std::string& password,
                                      const std::string& source) {
  const auto now = clock_();
  auto& link = reset_link(token, source, now);
  if (link.kind != ResetKind::totp)
    throw std::invalid_argument(
        "this recovery link is for the password, not the authenticator app");
  auto admin = admins_.by_id(link.admin_id);
  sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
  // The password is checked like a login's, counted before Argon2id runs.
  const PasswordJob job{PasswordJob::Kind::verify, admin->password_hash, password};
  if (const auto wait = std::max(per_account_.blocked_for(admin->username, now),
                                 per_source_.blocked_for(source, now)))
    throw RateLimited("too many failed attempts; try again later", wait);
  per_account_.record_failure(admin->username, now);
  per_source_.record_failure(source, now);
  const bool verified = password_job(job).verified;
  // As things stand after the check: the link unused, the password the
  // admin's own still.
  auto* still = reset_link_again(token, clock_());
  if (still == nullptr || still->kind != ResetKind::totp) throw SetupRefused(kLinkGone);
  auto current = admins_.by_id(still->admin_id);
  if (current) sodium_memzero(current->totp_secret.data(), current->totp_secret.size());
  if (!verified || !current || current->password_hash != admin->password_hash)
    throw LoginFailed("the password is wrong");
  per_account_.reset(admin->username);
  per_source_.forgive(source);
  // The same link again (a reload) shows the same secret.
  if (!still->pending) still->pending = new_enrolment(admin->username, "");
  return enrollment_of(*still->pending, admin->id);
}

LoginResult Accounts::confirm_totp_reset(const std::string& token, const std::string& totp,
                                         const std::string& source) {
  const auto now = clock_();
  auto& link = reset_link(token, source, now);
  if (link.kind != ResetKind::totp || !link.pending) {
    throw std::invalid_argument(
        "this recovery link has not shown a new authenticator code yet; enter your password first");
  }
  const auto step = totp_match(link.pending->totp_secret, totp, now);
  if (!step) {
    setup_per_source_.record_failure(source, now);
    throw CodeWrong(kCodeWrong);
  }
  admins_.replace_second_factor(link.admin_id, link.pending->totp_secret, *step,
                                hashes_of(link.pending->recovery_codes));
  sessions_.remove_admin(link.admin_id);
  auto admin = admins_.by_id(link.admin_id);
  resets_.erase(sha256(token));
  sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
  return start_session(*admin, now);
}

std::int64_t Accounts::login_blocked_for(const std::string& username, const std::string& source) {
  const auto now = clock_();
  return std::max(per_account_.blocked_for(username, now), per_source_.blocked_for(source, now));
}

bool Accounts::has_admin(const std::string& username) {
  auto admin = admins_.by_username(username);
  if (admin) sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
  return admin.has_value();
}

}  // namespace picket::controller::auth
