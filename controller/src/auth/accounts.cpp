#include "auth/accounts.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "auth/password.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/totp.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::auth {

namespace {

// Zeroes the TOTP secret of an admin record however the call ends (an
// Argon2id job run elsewhere ends the first call with an exception).
struct ForgetTotpSecret {
  std::optional<AdminRecord>& admin;
  ~ForgetTotpSecret() {
    if (admin) sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
  }
};

}  // namespace

bool is_loopback_source(const std::string& source) {
  return source.rfind("127.", 0) == 0 || source == "::1" || source.rfind("::ffff:127.", 0) == 0;
}

void validate_username(const std::string& username) {
  const bool ok =
      !username.empty() && username.size() <= 32 &&
      std::isalnum(static_cast<unsigned char>(username.front())) &&
      std::all_of(username.begin(), username.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!ok) {
    throw std::invalid_argument(
        "an admin username has 1 to 32 characters and may use a-z, 0-9, '.', '_' and '-', "
        "starting with a letter or digit");
  }
}

Accounts::Accounts(Store& store, Clock clock, std::int64_t idle_timeout)
    : admins_(store), clock_(std::move(clock)), sessions_(idle_timeout) {
  if (admins_.count() == 0) setup_token_ = random_token();
}

PasswordResult Accounts::password_job(PasswordJob job, JobPriority priority) {
  auto* waiter = PasswordWaiter::current();
  if (waiter == nullptr) return run_password_job(job);
  auto result = waiter->wait(job, priority);
  if (result.refused_retry_after > 0) throw PasswordWorkBusy(result.refused_retry_after);
  if (!result.error.empty()) throw std::runtime_error(result.error);
  return result;
}

AdminInfo Accounts::info_of(const AdminRecord& record) {
  return AdminInfo{record.id, record.username, record.created_at,
                   admins_.recovery_codes_left(record.id)};
}

Enrollment Accounts::create_admin(const std::string& username, const std::string& password) {
  validate_username(username);
  check_password_strength(password, username);
  if (admins_.by_username(username))
    throw ConflictError("an admin with this username already exists");
  Enrollment enrollment;
  AdminRecord record;
  record.username = username;
  record.password_hash = password_job({PasswordJob::Kind::hash, "", password}).hash;
  // Another request may have taken the name while the hash was made.
  if (admins_.by_username(username))
    throw ConflictError("an admin with this username already exists");
  record.totp_secret = random_bytes(kTotpSecretBytes);
  std::vector<std::vector<std::uint8_t>> hashes;
  for (std::size_t i = 0; i < kRecoveryCodes; ++i) {
    enrollment.recovery_codes.push_back(new_recovery_code());
    hashes.push_back(hash_bytes(enrollment.recovery_codes.back()));
  }
  const auto stored = admins_.insert(record, hashes);
  enrollment.admin = info_of(stored);
  enrollment.totp_secret = base32_encode(record.totp_secret);
  enrollment.otpauth_uri = otpauth_uri(username, record.totp_secret);
  sodium_memzero(record.totp_secret.data(), record.totp_secret.size());
  return enrollment;
}

std::vector<AdminInfo> Accounts::list() {
  std::vector<AdminInfo> out;
  for (const auto& record : admins_.list()) out.push_back(info_of(record));
  return out;
}

void Accounts::remove_admin(const std::string& username) {
  const auto admin = admins_.by_username(username);
  if (!admin) throw NotFoundError("there is no admin with this username");
  if (admins_.count() <= 1)
    throw ConflictError("the last admin cannot be removed; create another one first");
  admins_.remove(admin->id);
  sessions_.remove_admin(admin->id);
}

JobPriority Accounts::admit_login(const Credentials& credentials,
                                  const std::optional<AdminRecord>& admin, std::int64_t now) {
  const auto wait = std::max(per_account_.blocked_for(credentials.username, now),
                             per_source_.blocked_for(credentials.source, now));
  auto priority =
      per_source_.has_failed(credentials.source, now) ? JobPriority::suspect : JobPriority::clean;
  if (wait > 0) {
    // The code is checked, not spent: only a login that succeeds spends it.
    const bool good_code_from_loopback =
        is_loopback_source(credentials.source) && admin && credentials.totp && [&] {
          const auto step = totp_match(admin->totp_secret, *credentials.totp, now);
          return step && *step > admin->totp_last_step;
        }();
    if (!good_code_from_loopback)
      throw RateLimited("too many failed logins; try again later", wait);
    if (const auto own = with_code_from_loopback_.blocked_for(credentials.username, now))
      throw RateLimited("too many failed logins; try again later", own);
    with_code_from_loopback_.record_failure(credentials.username, now);
    priority = JobPriority::clean;
  }
  per_account_.record_failure(credentials.username, now);
  per_source_.record_failure(credentials.source, now);
  return priority;
}

void Accounts::confirm_password(std::int64_t admin_id, const std::string& password) {
  const auto now = clock_();
  auto admin = admins_.by_id(admin_id);
  const ForgetTotpSecret forget{admin};
  const auto key = std::to_string(admin_id);
  const PasswordJob job{PasswordJob::Kind::verify,
                        admin ? admin->password_hash : dummy_password_hash(), password};
  // Counted before Argon2id, as logins are (admit_login).
  if (const auto wait = confirms_.blocked_for(key, now))
    throw RateLimited("too many wrong passwords; try again later", wait);
  confirms_.record_failure(key, now);
  bool verified = false;
  try {
    verified = password_job(job).verified;
  } catch (const PasswordWorkBusy&) {
    confirms_.forgive(key);
    throw;
  }
  // The password checked must still be the admin's (removed, or changed
  // while the check ran: wrong, as it would be now).
  auto current = admins_.by_id(admin_id);
  const ForgetTotpSecret forget_current{current};
  if (!admin || !current || current->password_hash != admin->password_hash) verified = false;
  if (!admin || !verified) throw LoginFailed("the admin password is wrong");
  confirms_.forgive(key);
}

void Accounts::unlock(const std::string& username) {
  const auto admin = admins_.by_username(username);
  if (!admin) throw NotFoundError("there is no admin with this username");
  per_account_.reset(username);
  with_code_from_loopback_.reset(username);
  confirms_.reset(std::to_string(admin->id));
  // The admin's own devices may be among the sources held (typos through
  // the tunnel); root lifting a lockout means every source may try again.
  per_source_.clear();
  setup_per_source_.clear();
}

bool Accounts::second_factor_ok(AdminRecord& admin, const Credentials& credentials,
                                std::int64_t now) {
  if (credentials.totp) {
    const auto step = totp_match(admin.totp_secret, *credentials.totp, now);
    // A code is good once: a step at or before the last accepted one is a replay.
    if (!step || *step <= admin.totp_last_step) return false;
    admins_.set_totp_last_step(admin.id, *step);
    return true;
  }
  if (credentials.recovery_code) {
    return admins_.consume_recovery_code(
        admin.id, hash_bytes(normalise_recovery_code(*credentials.recovery_code)));
  }
  return false;
}

LoginResult Accounts::login(const Credentials& credentials) {
  const auto now = clock_();
  auto admin = admins_.by_username(credentials.username);
  // The first admin counts from its first good code (enrolment.cpp).
  bool first_admin_created = false;
  if (!admin) {
    admin = confirm_setup_by_login(credentials, now);
    first_admin_created = admin.has_value();
  }
  const ForgetTotpSecret forget{admin};
  // An unknown username costs the same Argon2id as a known one.
  const PasswordJob job{PasswordJob::Kind::verify,
                        admin ? admin->password_hash : dummy_password_hash(), credentials.password};
  const auto priority = admit_login(credentials, admin, now);
  bool verified = false;
  try {
    verified = password_job(job, priority).verified;
  } catch (const PasswordWorkBusy&) {
    // Never tried: the count taken in advance goes back.
    per_account_.forgive(credentials.username);
    per_source_.forgive(credentials.source);
    throw;
  }
  // As it stands after the check: the admin may have been removed or given
  // a new password meanwhile, and the second factor is judged against the
  // last code used now (a concurrent login may have spent this one).
  if (admin) {
    const auto id = admin->id;
    const auto checked_hash = admin->password_hash;
    sodium_memzero(admin->totp_secret.data(), admin->totp_secret.size());
    admin = admins_.by_id(id);
    if (!admin || admin->password_hash != checked_hash) verified = false;
  }
  if (!admin || !verified || !second_factor_ok(*admin, credentials, clock_()))
    throw LoginFailed("the username, password or second factor is wrong");
  per_account_.reset(credentials.username);
  per_source_.forgive(credentials.source);
  with_code_from_loopback_.reset(credentials.username);
  LoginResult result;
  result.session_token = sessions_.create(admin->id, admin->username, now);
  result.csrf_token = sessions_.csrf_token(result.session_token);
  result.admin = info_of(*admin);
  result.first_admin_created = first_admin_created;
  return result;
}

std::optional<SessionView> Accounts::authenticate(const std::string& session_token, bool renew,
                                                  SessionEnd* why) {
  auto session = sessions_.touch(session_token, clock_(), renew, why);
  if (!session) return std::nullopt;
  return SessionView{*session, sessions_.csrf_token(session_token)};
}

}  // namespace picket::controller::auth
