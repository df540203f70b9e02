#include "store/device_access.hpp"

#include "picket/gateway/error.hpp"
#include "store/lists.hpp"
#include "store/sqlite.hpp"

namespace picket::controller::device_access {

namespace {

DeviceAccess read_row(const sqlite::Statement& row, int first) {
  DeviceAccess access;
  try {
    if (!row.is_null(first)) access.restricted_to = split_cidrs(row.text(first));
  } catch (const gateway::ParseError& e) {
    throw StoreError(std::string("a stored device restriction is damaged: ") + e.what());
  }
  access.group = row.text(first + 1);
  return access;
}

}  // namespace

DeviceAccess load(Store& store, std::int64_t device_id) {
  sqlite::Statement select(store.handle(),
                           "SELECT restricted_to, access_group FROM device_access "
                           "WHERE device_id = ?1",
                           "reading a device's access");
  select.bind(1, device_id);
  if (!select.step()) return {};
  return read_row(select, 0);
}

std::map<std::int64_t, DeviceAccess> load_all(Store& store) {
  sqlite::Statement select(store.handle(),
                           "SELECT device_id, restricted_to, access_group FROM device_access",
                           "reading the devices' access");
  std::map<std::int64_t, DeviceAccess> out;
  while (select.step()) out.emplace(select.int64(0), read_row(select, 1));
  return out;
}

void save(Store& store, std::int64_t device_id, const DeviceAccess& access) {
  if (access == DeviceAccess{}) {
    sqlite::Statement remove(store.handle(), "DELETE FROM device_access WHERE device_id = ?1",
                             "clearing a device's access");
    remove.bind(1, device_id).run();
    return;
  }
  sqlite::Statement upsert(
      store.handle(),
      "INSERT INTO device_access (device_id, restricted_to, access_group) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (device_id) DO UPDATE SET restricted_to = excluded.restricted_to, "
      "access_group = excluded.access_group",
      "saving a device's access");
  upsert.bind(1, device_id);
  if (access.restricted_to) {
    upsert.bind(2, join_cidrs(*access.restricted_to));
  } else {
    upsert.bind_null(2);
  }
  upsert.bind(3, access.group).run();
}

bool member_to_member(Store& store) {
  return sqlite::query_int64(store.handle(),
                             "SELECT member_to_member FROM firewall_settings WHERE id = 1",
                             "reading the member isolation setting")
             .value_or(0) != 0;
}

void save_member_to_member(Store& store, bool allowed) {
  sqlite::Statement update(store.handle(),
                           "UPDATE firewall_settings SET member_to_member = ?1 WHERE id = 1",
                           "saving the member isolation setting");
  update.bind(1, std::int64_t{allowed ? 1 : 0}).run();
}

}  // namespace picket::controller::device_access
