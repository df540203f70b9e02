#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "picket/controller/store.hpp"

namespace picket::controller {

struct AdminRecord {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;  // crypto_pwhash_str (Argon2id, with its parameters)
  std::vector<std::uint8_t> totp_secret;
  std::int64_t totp_last_step = 0;  // the last accepted TOTP step; older codes are replays
  std::int64_t created_at = 0;
};

// Admin accounts and their one-time recovery codes (as hashes), in the
// shared Store's database.
class AdminStore {
 public:
  explicit AdminStore(Store& store) : store_(store) {}

  std::size_t count();
  // Inserts the admin and its recovery codes in one transaction. Throws
  // ConflictError when the username is taken.
  AdminRecord insert(const AdminRecord& admin,
                     const std::vector<std::vector<std::uint8_t>>& recovery_hashes);
  std::optional<AdminRecord> by_username(const std::string& username);
  std::optional<AdminRecord> by_id(std::int64_t id);
  std::vector<AdminRecord> list();
  void remove(std::int64_t id);
  void set_totp_last_step(std::int64_t id, std::int64_t step);
  void set_password_hash(std::int64_t id, const std::string& hash);
  // A new authenticator secret (its first code already used at `last_step`)
  // and new recovery codes in place of all the old ones, in one transaction.
  void replace_second_factor(std::int64_t id, std::span<const std::uint8_t> totp_secret,
                             std::int64_t last_step,
                             const std::vector<std::vector<std::uint8_t>>& recovery_hashes);
  // Deletes the code and answers true when `hash` was one of the admin's.
  bool consume_recovery_code(std::int64_t id, std::span<const std::uint8_t> hash);
  std::size_t recovery_codes_left(std::int64_t id);

 private:
  Store& store_;
};

}  // namespace picket::controller
