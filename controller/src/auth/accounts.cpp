#include "auth/accounts.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "auth/password.hpp"
#include "auth/totp.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::auth {

namespace {

std::vector<std::uint8_t> hash_bytes(const std::string& text) {
  const auto digest = sha256(text);
  return {digest.begin(), digest.end()};
}

// Recovery codes: 10 characters of base32 (50 bits) in two groups, easy to
// type from paper. Case and dashes are ignored when entered.
std::string new_recovery_code() {
  const auto bytes = random_bytes(7);
  const auto text = base32_encode(bytes).substr(0, 10);
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.substr(0, 5) + "-" + lower.substr(5);
}

std::string normalise_recovery_code(const std::string& code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 10 ? out.substr(0, 5) + "-" + out.substr(5) : out;
}

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

Accounts::Accounts(Store& store, Clock clock) : admins_(store), clock_(std::move(clock)) {
  if (admins_.count() == 0) setup_token_ = random_token();
}

PasswordResult Accounts::password_job(PasswordJob job, JobPriority priority) {
  if (deferred_ == nullptr) return run_password_job(job);
  if (auto result = deferred_->find(job)) {
    if (result->refused_retry_after > 0) throw PasswordWorkBusy(result->refused_retry_after);
    if (!result->error.empty()) throw std::runtime_error(result->error);
    return *result;
  }
  throw PasswordWorkNeeded(std::move(job), priority);
}

AdminInfo Accounts::info_of(const AdminRecord& record) {
  return AdminInfo{record.id, record.username, record.created_at,
                   admins_.recovery_codes_left(record.id)};
}

Enrollment Accounts::setup(const std::string& token, const std::string& username,
                           const std::string& password, const std::string& source) {
  const auto now = clock_();
  // Guessing the setup token is limited like a login, on a count of its own.
  if (const auto wait = setup_per_source_.blocked_for(source, now))
    throw RateLimited("too many wrong setup tokens from here; try again later", wait);
  if (!setup_token_) throw SetupRefused("setup is done: an admin already exists; log in instead");
  if (!equal_constant_time(token, *setup_token_)) {
    setup_per_source_.record_failure(source, now);
    throw SetupRefused(
        "the setup token is wrong; `picket admin setup-url` on the server prints it");
  }
  auto enrollment = create_admin(username, password);
  setup_token_.reset();
  return enrollment;
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
  if (!already_ran(job)) {
    if (const auto wait = confirms_.blocked_for(key, now))
      throw RateLimited("too many wrong passwords; try again later", wait);
    confirms_.record_failure(key, now);
  }
  bool verified = false;
  try {
    verified = password_job(job).verified;
  } catch (const PasswordWorkBusy&) {
    confirms_.forgive(key);
    throw;
  }
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
  const ForgetTotpSecret forget{admin};
  // An unknown username costs the same Argon2id as a known one.
  const PasswordJob job{PasswordJob::Kind::verify,
                        admin ? admin->password_hash : dummy_password_hash(), credentials.password};
  auto priority = JobPriority::clean;
  if (!already_ran(job)) priority = admit_login(credentials, admin, now);
  bool verified = false;
  try {
    verified = password_job(job, priority).verified;
  } catch (const PasswordWorkBusy&) {
    // Never tried: the count taken in advance goes back.
    per_account_.forgive(credentials.username);
    per_source_.forgive(credentials.source);
    throw;
  }
  if (!admin || !verified || !second_factor_ok(*admin, credentials, now))
    throw LoginFailed("the username, password or second factor is wrong");
  per_account_.reset(credentials.username);
  per_source_.forgive(credentials.source);
  with_code_from_loopback_.reset(credentials.username);
  LoginResult result;
  result.session_token = sessions_.create(admin->id, admin->username, now);
  result.csrf_token = sessions_.csrf_token(result.session_token);
  result.admin = info_of(*admin);
  return result;
}

std::optional<SessionView> Accounts::authenticate(const std::string& session_token) {
  auto session = sessions_.touch(session_token, clock_());
  if (!session) return std::nullopt;
  return SessionView{*session, sessions_.csrf_token(session_token)};
}

}  // namespace picket::controller::auth
