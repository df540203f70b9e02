#include "store/device_gateways.hpp"

#include <algorithm>

#include "store/lists.hpp"
#include "store/sqlite.hpp"

namespace picket::controller::device_gateways {

Assignment load(Store& store, std::int64_t device_id) {
  sqlite::Statement select(store.handle(),
                           "SELECT gateways FROM device_gateways WHERE device_id = ?1",
                           "reading a device's gateways");
  select.bind(1, device_id);
  if (!select.step()) return std::nullopt;
  return split_names(select.text(0));
}

std::map<std::int64_t, std::vector<std::string>> load_all(Store& store) {
  sqlite::Statement select(store.handle(), "SELECT device_id, gateways FROM device_gateways",
                           "reading the devices' gateways");
  std::map<std::int64_t, std::vector<std::string>> out;
  while (select.step()) out.emplace(select.int64(0), split_names(select.text(1)));
  return out;
}

void save(Store& store, std::int64_t device_id, const Assignment& assignment) {
  if (!assignment) {
    sqlite::Statement remove(store.handle(), "DELETE FROM device_gateways WHERE device_id = ?1",
                             "putting a device on every gateway");
    remove.bind(1, device_id).run();
    return;
  }
  sqlite::Statement upsert(store.handle(),
                           "INSERT INTO device_gateways (device_id, gateways) VALUES (?1, ?2) "
                           "ON CONFLICT (device_id) DO UPDATE SET gateways = excluded.gateways",
                           "saving a device's gateways");
  upsert.bind(1, device_id).bind(2, join_names(*assignment)).run();
}

void drop(Store& store, const std::string& gateway) {
  for (auto [device_id, names] : load_all(store)) {
    const auto before = names.size();
    std::erase(names, gateway);
    if (names.size() != before) save(store, device_id, names);
  }
}

}  // namespace picket::controller::device_gateways
