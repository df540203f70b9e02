#include "store/gateway_store.hpp"

#include <algorithm>

#include "store/sqlite.hpp"

namespace picket::controller {

std::vector<GatewayRecord> list_gateways(Store& store) {
  sqlite::Statement select(store.handle(),
                           "SELECT name, pin, created_at FROM gateways ORDER BY name",
                           "listing the gateways");
  std::vector<GatewayRecord> out;
  while (select.step()) out.push_back({select.text(0), select.text(1), select.int64(2)});
  return out;
}

void insert_gateway(Store& store, const GatewayRecord& gateway) {
  sqlite::Statement insert(store.handle(),
                           "INSERT INTO gateways (name, pin, created_at) VALUES (?1, ?2, ?3)",
                           "enrolling a gateway");
  insert.bind(1, gateway.name).bind(2, gateway.pin).bind(3, gateway.created_at).run();
}

bool delete_gateway(Store& store, const std::string& name) {
  sqlite::Statement remove(store.handle(), "DELETE FROM gateways WHERE name = ?1",
                           "removing a gateway");
  remove.bind(1, name).run();
  return sqlite3_changes(store.handle()) > 0;
}

std::optional<ChannelSeed> load_channel_seed(Store& store) {
  sqlite::Statement select(store.handle(), "SELECT seed FROM gateway_channel WHERE id = 1",
                           "reading the controller's channel key");
  if (!select.step()) return std::nullopt;
  const auto bytes = select.blob(0);
  if (bytes.size() != ChannelSeed{}.size())
    throw StoreError("the stored channel key has the wrong size; restore a backup");
  ChannelSeed seed{};
  std::copy(bytes.begin(), bytes.end(), seed.begin());
  return seed;
}

void save_channel_seed(Store& store, const ChannelSeed& seed) {
  sqlite::Statement upsert(store.handle(),
                           "INSERT INTO gateway_channel (id, seed) VALUES (1, ?1) "
                           "ON CONFLICT (id) DO UPDATE SET seed = excluded.seed",
                           "storing the controller's channel key");
  upsert.bind_secret(1, seed).run();
}

}  // namespace picket::controller
