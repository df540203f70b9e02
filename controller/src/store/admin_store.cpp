#include "store/admin_store.hpp"

#include "store/clock.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

constexpr const char* kSelect =
    "SELECT id, username, password_hash, totp_secret, totp_last_step, created_at FROM admins ";

AdminRecord read_admin(const sqlite::Statement& row) {
  AdminRecord admin;
  admin.id = row.int64(0);
  admin.username = row.text(1);
  admin.password_hash = row.text(2);
  const auto secret = row.blob(3);
  admin.totp_secret.assign(secret.begin(), secret.end());
  admin.totp_last_step = row.int64(4);
  admin.created_at = row.int64(5);
  return admin;
}

std::optional<AdminRecord> first_admin(sqlite::Statement& select) {
  if (!select.step()) return std::nullopt;
  return read_admin(select);
}

}  // namespace

std::size_t AdminStore::count() {
  return static_cast<std::size_t>(
      sqlite::query_int64(store_.handle(), "SELECT count(*) FROM admins", "counting admins")
          .value_or(0));
}

AdminRecord AdminStore::insert(const AdminRecord& admin,
                               const std::vector<std::vector<std::uint8_t>>& recovery_hashes) {
  AdminRecord stored = admin;
  stored.created_at = unix_now();
  Store::Transaction tx(store_);
  sqlite::Statement insert(store_.handle(),
                           "INSERT INTO admins (username, password_hash, totp_secret, "
                           "totp_last_step, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
                           "adding an admin");
  insert.bind(1, stored.username)
      .bind(2, stored.password_hash)
      .bind_secret(3, stored.totp_secret)
      .bind(4, stored.created_at);
  insert.run();
  stored.id = sqlite3_last_insert_rowid(store_.handle());
  for (const auto& hash : recovery_hashes) {
    sqlite::Statement code(store_.handle(),
                           "INSERT INTO admin_recovery_codes (admin_id, code_hash) VALUES (?1, ?2)",
                           "storing recovery codes");
    code.bind(1, stored.id).bind_blob(2, hash);
    code.run();
  }
  tx.commit();
  return stored;
}

std::optional<AdminRecord> AdminStore::by_username(const std::string& username) {
  sqlite::Statement select(store_.handle(), std::string(kSelect) + "WHERE username = ?1",
                           "looking up an admin");
  select.bind(1, username);
  return first_admin(select);
}

std::optional<AdminRecord> AdminStore::by_id(std::int64_t id) {
  sqlite::Statement select(store_.handle(), std::string(kSelect) + "WHERE id = ?1",
                           "looking up an admin");
  select.bind(1, id);
  return first_admin(select);
}

std::vector<AdminRecord> AdminStore::list() {
  sqlite::Statement select(store_.handle(), std::string(kSelect) + "ORDER BY username",
                           "listing admins");
  std::vector<AdminRecord> out;
  while (select.step()) out.push_back(read_admin(select));
  return out;
}

void AdminStore::remove(std::int64_t id) {
  sqlite::Statement remove(store_.handle(), "DELETE FROM admins WHERE id = ?1",
                           "removing an admin");
  remove.bind(1, id);
  remove.run();
}

void AdminStore::set_totp_last_step(std::int64_t id, std::int64_t step) {
  sqlite::Statement update(store_.handle(), "UPDATE admins SET totp_last_step = ?2 WHERE id = ?1",
                           "recording a used TOTP code");
  update.bind(1, id).bind(2, step);
  update.run();
}

void AdminStore::set_password_hash(std::int64_t id, const std::string& hash) {
  sqlite::Statement update(store_.handle(), "UPDATE admins SET password_hash = ?2 WHERE id = ?1",
                           "changing a password");
  update.bind(1, id).bind(2, hash);
  update.run();
}

void AdminStore::replace_second_factor(
    std::int64_t id, std::span<const std::uint8_t> totp_secret, std::int64_t last_step,
    const std::vector<std::vector<std::uint8_t>>& recovery_hashes) {
  Store::Transaction tx(store_);
  sqlite::Statement update(store_.handle(),
                           "UPDATE admins SET totp_secret = ?2, totp_last_step = ?3 WHERE id = ?1",
                           "replacing an authenticator secret");
  update.bind(1, id).bind_secret(2, totp_secret).bind(3, last_step);
  update.run();
  sqlite::Statement clear(store_.handle(), "DELETE FROM admin_recovery_codes WHERE admin_id = ?1",
                          "replacing recovery codes");
  clear.bind(1, id);
  clear.run();
  for (const auto& hash : recovery_hashes) {
    sqlite::Statement code(store_.handle(),
                           "INSERT INTO admin_recovery_codes (admin_id, code_hash) VALUES (?1, ?2)",
                           "storing recovery codes");
    code.bind(1, id).bind_blob(2, hash);
    code.run();
  }
  tx.commit();
}

bool AdminStore::consume_recovery_code(std::int64_t id, std::span<const std::uint8_t> hash) {
  sqlite::Statement remove(
      store_.handle(), "DELETE FROM admin_recovery_codes WHERE admin_id = ?1 AND code_hash = ?2",
      "using a recovery code");
  remove.bind(1, id).bind_blob(2, hash);
  remove.run();
  return sqlite3_changes(store_.handle()) == 1;
}

std::size_t AdminStore::recovery_codes_left(std::int64_t id) {
  sqlite::Statement count(store_.handle(),
                          "SELECT count(*) FROM admin_recovery_codes WHERE admin_id = ?1",
                          "counting recovery codes");
  count.bind(1, id);
  count.step();
  return static_cast<std::size_t>(count.int64(0));
}

}  // namespace picket::controller
