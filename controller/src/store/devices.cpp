#include <sodium.h>

#include <algorithm>
#include <string>

#include "picket/controller/store.hpp"
#include "picket/gateway/error.hpp"
#include "store/clock.hpp"
#include "store/durability.hpp"
#include "store/lists.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

constexpr const char* kSelect =
    "SELECT id, member_id, label, public_key, preshared_key, host_index, ipv4, ipv6, "
    "client_allowed_ips, keepalive, mtu, enabled, expires_at, created_at FROM devices ";

gateway::SecretKey read_secret(std::span<const std::uint8_t> blob) {
  if (blob.size() != gateway::kKeySize) throw StoreError("a stored preshared key is damaged");
  gateway::KeyBytes bytes{};
  std::copy(blob.begin(), blob.end(), bytes.begin());
  gateway::SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

Device read_device(const sqlite::Statement& row) {
  try {
    Device device;
    device.id = row.int64(0);
    device.member_id = row.int64(1);
    device.label = row.text(2);
    device.public_key = gateway::Key::from_base64(row.text(3));
    device.preshared_key = read_secret(row.blob(4));
    device.host_index = static_cast<std::uint32_t>(row.int64(5));
    device.ipv4 = gateway::IpAddress::parse(row.text(6));
    device.ipv6 = gateway::IpAddress::parse(row.text(7));
    device.client_allowed_ips = split_cidrs(row.text(8));
    device.keepalive = static_cast<std::uint16_t>(row.int64(9));
    device.mtu = static_cast<std::uint16_t>(row.int64(10));
    device.enabled = row.int64(11) != 0;
    device.expires_at = row.optional_int64(12);
    device.created_at = row.int64(13);
    return device;
  } catch (const gateway::ParseError&) {
    // The parse message could quote a stored value; the id is enough to find it.
    throw StoreError("the stored device " + std::to_string(row.int64(0)) + " is damaged");
  }
}

std::optional<Device> first_device(sqlite::Statement& select) {
  if (!select.step()) return std::nullopt;
  return read_device(select);
}

// Binds the mutable columns as ?2..?12; ?1 is the id or the member id.
void bind_mutable(sqlite::Statement& statement, const Device& device) {
  statement.bind(2, device.label)
      .bind(3, device.public_key.base64())
      .bind_secret(4, device.preshared_key.bytes())
      .bind(5, std::int64_t{device.host_index})
      .bind(6, device.ipv4.str())
      .bind(7, device.ipv6.str())
      .bind(8, join_cidrs(device.client_allowed_ips))
      .bind(9, std::int64_t{device.keepalive})
      .bind(10, std::int64_t{device.mtu})
      .bind(11, std::int64_t{device.enabled ? 1 : 0})
      .bind(12, device.expires_at);
}

}  // namespace

Device Store::insert_device(const Device& device) {
  Device stored = device;
  stored.created_at = unix_now();
  sqlite::Statement insert(db_,
                           "INSERT INTO devices (member_id, label, public_key, preshared_key, "
                           "host_index, ipv4, ipv6, client_allowed_ips, keepalive, mtu, enabled, "
                           "expires_at, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           "adding a device");
  insert.bind(1, device.member_id);
  bind_mutable(insert, stored);
  insert.bind(13, stored.created_at);
  insert.run();
  stored.id = sqlite3_last_insert_rowid(db_);
  return stored;
}

std::optional<Device> Store::device_by_id(std::int64_t id) {
  sqlite::Statement select(db_, std::string(kSelect) + "WHERE id = ?1", "looking up a device");
  select.bind(1, id);
  return first_device(select);
}

std::optional<Device> Store::device_by_label(std::int64_t member_id, const std::string& label) {
  sqlite::Statement select(db_, std::string(kSelect) + "WHERE member_id = ?1 AND label = ?2",
                           "looking up a device");
  select.bind(1, member_id).bind(2, label);
  return first_device(select);
}

std::optional<Device> Store::device_by_public_key(const gateway::Key& key) {
  sqlite::Statement select(db_, std::string(kSelect) + "WHERE public_key = ?1",
                           "looking up a device");
  select.bind(1, key.base64());
  return first_device(select);
}

std::vector<Device> Store::list_devices(const DeviceFilter& filter) {
  // Conditions are added only when set, rather than "?1 IS NULL OR …", so
  // that SQLite can use the member index.
  std::string sql = kSelect;
  std::string where;
  if (filter.member_id) where += "member_id = ?1";
  if (filter.enabled) where += std::string(where.empty() ? "" : " AND ") + "enabled = ?2";
  if (!where.empty()) sql += "WHERE " + where + " ";
  sql += "ORDER BY id";
  sqlite::Statement select(db_, sql, "listing devices");
  if (filter.member_id) select.bind(1, *filter.member_id);
  if (filter.enabled) select.bind(2, std::int64_t{*filter.enabled ? 1 : 0});
  std::vector<Device> devices;
  while (select.step()) devices.push_back(read_device(select));
  return devices;
}

void Store::update_device(const Device& device) {
  sqlite::Statement update(db_,
                           "UPDATE devices SET label = ?2, public_key = ?3, preshared_key = ?4, "
                           "host_index = ?5, ipv4 = ?6, ipv6 = ?7, client_allowed_ips = ?8, "
                           "keepalive = ?9, mtu = ?10, enabled = ?11, expires_at = ?12 "
                           "WHERE id = ?1",
                           "updating a device");
  update.bind(1, device.id);
  bind_mutable(update, device);
  update.run();
  // Read before syncing: clearing the revocation flag resets the count.
  const int changed = sqlite3_changes(db_);
  sync_if_revoked(db_);
  if (changed == 0) {
    throw StoreError("cannot update device " + std::to_string(device.id) +
                     ": it does not exist (deleted meanwhile?)");
  }
}

void Store::delete_device(std::int64_t id) {
  // Idempotent, like delete_member: a retried revoke must not fail.
  sqlite::Statement remove(db_, "DELETE FROM devices WHERE id = ?1", "deleting a device");
  remove.bind(1, id);
  remove.run();
  sync_if_revoked(db_);
}

std::vector<std::uint32_t> Store::used_host_indices() {
  sqlite::Statement select(db_, "SELECT host_index FROM devices ORDER BY host_index",
                           "reading the used addresses");
  std::vector<std::uint32_t> indices;
  while (select.step()) indices.push_back(static_cast<std::uint32_t>(select.int64(0)));
  return indices;
}

std::optional<std::int64_t> Store::earliest_expiry() {
  // Matches the partial index devices_expiry, so this is one index lookup.
  return sqlite::query_int64(
      db_, "SELECT min(expires_at) FROM devices WHERE enabled = 1 AND expires_at IS NOT NULL",
      "finding the next expiry");
}

}  // namespace picket::controller
