#include "store/gateway_store.hpp"

#include <sodium.h>

#include <algorithm>

#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

gateway::SecretKey read_wireguard_key(const sqlite::Statement& row, int column) {
  if (row.is_null(column)) return {};
  const auto blob = row.blob(column);
  if (blob.size() != gateway::kKeySize)
    throw StoreError("a gateway's stored WireGuard key is damaged; restore a backup");
  gateway::KeyBytes bytes{};
  std::copy(blob.begin(), blob.end(), bytes.begin());
  gateway::SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

}  // namespace

std::vector<GatewayRecord> list_gateways(Store& store) {
  sqlite::Statement select(
      store.handle(),
      "SELECT name, pin, created_at, endpoint, wireguard_key FROM gateways ORDER BY name",
      "listing the gateways");
  std::vector<GatewayRecord> out;
  while (select.step())
    out.push_back({select.text(0), select.text(1), select.int64(2), select.text(3),
                   read_wireguard_key(select, 4)});
  return out;
}

void insert_gateway(Store& store, const GatewayRecord& gateway) {
  sqlite::Statement insert(store.handle(),
                           "INSERT INTO gateways (name, pin, created_at, endpoint, wireguard_key) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           "enrolling a gateway");
  insert.bind(1, gateway.name).bind(2, gateway.pin).bind(3, gateway.created_at);
  insert.bind(4, gateway.endpoint);
  if (gateway.wireguard_key.is_zero())
    insert.bind_null(5);
  else
    insert.bind_secret(5, gateway.wireguard_key.bytes());
  insert.run();
}

void set_gateway_wireguard_key(Store& store, const std::string& name,
                               const gateway::SecretKey& key) {
  sqlite::Statement update(store.handle(), "UPDATE gateways SET wireguard_key = ?2 WHERE name = ?1",
                           "storing a gateway's WireGuard key");
  update.bind(1, name).bind_secret(2, key.bytes()).run();
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
