// The controller's gateway records: each gateway's endpoint and its own
// WireGuard key are kept with its name and pin, and a gateway enrolled
// under schema 6 (no key, no endpoint) comes through the upgrade.
#include "store/gateway_store.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "store/device_gateways.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using picket::controller::test::TempDir;
namespace gw = picket::gateway;

namespace {

const std::string kPinA(43, 'a');
const std::string kPinB(43, 'b');

}  // namespace

TEST_CASE("gateway store: endpoint and WireGuard key are kept with the record", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto key = gw::generate_private_key();
  insert_gateway(store, {"gw-a", kPinA, 100, "a.example.org:51820", key});
  insert_gateway(store, {"gw-b", kPinB, 101, "[2001:db8::1]:51820", {}});
  auto gateways = list_gateways(store);
  REQUIRE(gateways.size() == 2);
  CHECK(gateways[0].name == "gw-a");
  CHECK(gateways[0].endpoint == "a.example.org:51820");
  CHECK(gateways[0].wireguard_key == key);
  CHECK(gateways[1].wireguard_key.is_zero());
  CHECK_THROWS_AS(insert_gateway(store, {"gw-a", std::string(43, 'c'), 102, "x.org:1", {}}),
                  ConflictError);

  const auto later = gw::generate_private_key();
  set_gateway_wireguard_key(store, "gw-b", later);
  gateways = list_gateways(store);
  CHECK(gateways[1].wireguard_key == later);
  CHECK(gateways[0].wireguard_key == key);
}

TEST_CASE("gateway store: a schema 6 gateway is upgraded without key or endpoint", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    for (const auto& migration : migrations())
      if (migration.version <= 6)
        REQUIRE(sqlite3_exec(db, migration.sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string insert = "INSERT INTO gateways (name, pin, created_at) VALUES ('gw-old', '" +
                               kPinA + "', 5); PRAGMA user_version = 6;";
    REQUIRE(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  Store store(file);
  CHECK(store.schema_version() == latest_schema_version());
  const auto gateways = list_gateways(store);
  REQUIRE(gateways.size() == 1);
  CHECK(gateways[0].name == "gw-old");
  CHECK(gateways[0].endpoint.empty());
  CHECK(gateways[0].wireguard_key.is_zero());
  // The schema refuses a key of the wrong size.
  REQUIRE(sqlite3_exec(store.handle(), "UPDATE gateways SET endpoint = 'x.org:1'", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  CHECK(sqlite3_exec(store.handle(), "UPDATE gateways SET wireguard_key = x'0011'", nullptr,
                     nullptr, nullptr) != SQLITE_OK);
}

TEST_CASE("gateway store: a device's gateways, dropped with the gateway and the device",
          "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto alice = store.insert_member("alice", "");
  const auto device = [&](const std::string& label, std::uint32_t index) {
    Device d;
    d.member_id = alice.id;
    d.label = label;
    d.public_key = gw::public_key_of(gw::generate_private_key());
    d.preshared_key = gw::generate_preshared_key();
    d.host_index = index;
    d.ipv4 = gw::IpAddress::parse("10.77.0." + std::to_string(index));
    d.ipv6 = gw::IpAddress::parse("fd77:77::" + std::to_string(index));
    d.client_allowed_ips = {gw::Cidr::parse("0.0.0.0/0"), gw::Cidr::parse("::/0")};
    return store.insert_device(d);
  };
  const auto phone = device("phone", 2);
  const auto laptop = device("laptop", 3);
  using Names = std::vector<std::string>;
  CHECK(device_gateways::load(store, phone.id) == std::nullopt);
  device_gateways::save(store, phone.id, Names{"gw-a", "gw-b"});
  device_gateways::save(store, laptop.id, Names{"gw-a"});
  CHECK(device_gateways::load(store, phone.id) == Names{"gw-a", "gw-b"});
  CHECK(device_gateways::load_all(store).size() == 2);

  // A removed gateway leaves every list; a list it empties means none, not
  // every gateway, so that no device widens to gateways it was kept off.
  device_gateways::drop(store, "gw-a");
  CHECK(device_gateways::load(store, phone.id) == Names{"gw-b"});
  CHECK(device_gateways::load(store, laptop.id) == Names{});

  device_gateways::save(store, phone.id, std::nullopt);
  CHECK(device_gateways::load(store, phone.id) == std::nullopt);
  store.delete_device(laptop.id);
  CHECK(device_gateways::load_all(store).empty());
}
