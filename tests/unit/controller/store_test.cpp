#include "picket/controller/store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "store/migrations.hpp"
#include "temp_dir.hpp"

using picket::controller::ConflictError;
using picket::controller::Device;
using picket::controller::DeviceFilter;
using picket::controller::Settings;
using picket::controller::Store;
using picket::controller::StoreError;
using picket::controller::test::TempDir;
namespace gateway = picket::gateway;

namespace {

gateway::KeyBytes bytes_of(std::uint8_t seed) {
  gateway::KeyBytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i);
  return bytes;
}

Device make_device(std::int64_t member_id, const std::string& label, std::uint32_t index) {
  Device device;
  device.member_id = member_id;
  device.label = label;
  device.public_key = gateway::Key(bytes_of(static_cast<std::uint8_t>(index)));
  device.preshared_key = gateway::SecretKey(bytes_of(static_cast<std::uint8_t>(100 + index)));
  device.host_index = index;
  device.ipv4 = gateway::nth_address(gateway::Cidr::parse("10.77.0.0/24"), index);
  device.ipv6 = gateway::nth_address(gateway::Cidr::parse("fd77:77::/64"), index);
  device.client_allowed_ips = {gateway::Cidr::parse("0.0.0.0/0"), gateway::Cidr::parse("::/0")};
  return device;
}

std::string pragma_text(Store& store, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(store.handle(), sql, -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  std::string value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  return value;
}

// The "detail" column of every row of EXPLAIN QUERY PLAN, one per line.
std::string query_plan(Store& store, const std::string& query) {
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "EXPLAIN QUERY PLAN " + query;
  REQUIRE(sqlite3_prepare_v2(store.handle(), sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += '\n';
  }
  sqlite3_finalize(stmt);
  return plan;
}

unsigned mode_of(const std::filesystem::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::size_t count_rows(Store& store, const char* table) {
  return std::stoul(pragma_text(store, (std::string("SELECT count(*) FROM ") + table).c_str()));
}

}  // namespace

TEST_CASE("store: migrations run on an empty file and reopening is idempotent", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  {
    Store store(file);
    REQUIRE(store.schema_version() == picket::controller::latest_schema_version());
    store.insert_member("alice", "");
  }
  Store again(file);
  REQUIRE(again.schema_version() == picket::controller::latest_schema_version());
  REQUIRE(again.list_members().size() == 1);
}

TEST_CASE("store: a database from a newer Picket is refused", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  {
    Store store(file);
    REQUIRE(sqlite3_exec(store.handle(), "PRAGMA user_version = 99", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
  }
  REQUIRE_THROWS_WITH(Store(file),
                      Catch::Contains("schema version 99") && Catch::Contains("newer Picket"));
}

TEST_CASE("store: a file that is not a database is reported, not overwritten", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  std::ofstream(file) << "this is not sqlite, just some text long enough to have a header....\n";
  REQUIRE_THROWS_AS(Store(file), StoreError);
}

TEST_CASE("store: files are private whatever the umask", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  const mode_t previous = ::umask(0);
  {
    Store store(file);
    store.insert_member("alice", "");  // forces the WAL to exist
    REQUIRE(mode_of(file) == 0600);
    REQUIRE(std::filesystem::exists(file.string() + "-wal"));
    REQUIRE(mode_of(file.string() + "-wal") == 0600);
    REQUIRE(mode_of(file.string() + "-shm") == 0600);
  }
  REQUIRE(::umask(previous) == 0);  // the store restored our umask

  SECTION("an existing world-readable file is tightened") {
    REQUIRE(::chmod(file.c_str(), 0644) == 0);
    Store store(file);
    REQUIRE(mode_of(file) == 0600);
  }
}

TEST_CASE("store: PRAGMAs are in effect", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  REQUIRE(pragma_text(store, "PRAGMA journal_mode") == "wal");
  REQUIRE(pragma_text(store, "PRAGMA foreign_keys") == "1");
  REQUIRE(pragma_text(store, "PRAGMA secure_delete") == "1");
  REQUIRE(pragma_text(store, "PRAGMA busy_timeout") == std::to_string(Store::kBusyTimeoutMs));
  REQUIRE(pragma_text(store, "PRAGMA synchronous") == "1");  // NORMAL, see durability.hpp
}

TEST_CASE("store: settings round-trip", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  REQUIRE_FALSE(store.settings().has_value());

  Settings settings;
  settings.endpoint = "vpn.example.org:51820";
  settings.dns = {gateway::IpAddress::parse("10.77.0.1"), gateway::IpAddress::parse("fd77:77::1")};
  settings.public_key = gateway::Key(bytes_of(7));
  store.save_settings(settings);
  REQUIRE(store.settings() == settings);

  settings.listen_port = 443;
  settings.dns.clear();
  settings.ipv4_subnet = gateway::Cidr::parse("10.80.0.0/16");
  store.save_settings(settings);
  REQUIRE(store.settings() == settings);
  REQUIRE(count_rows(store, "settings") == 1);
}

TEST_CASE("store: members", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto bob = store.insert_member("bob", "night shift");
  const auto alice = store.insert_member("alice", "");
  REQUIRE(bob.id != alice.id);
  REQUIRE(bob.created_at > 0);
  REQUIRE(store.member_by_id(bob.id) == bob);
  REQUIRE(store.member_by_label("alice") == alice);
  REQUIRE_FALSE(store.member_by_label("carol"));
  REQUIRE_FALSE(store.member_by_id(999));

  const auto all = store.list_members();
  REQUIRE(all.size() == 2);
  REQUIRE(all[0].label == "alice");  // sorted by label

  store.delete_member(alice.id);
  REQUIRE_FALSE(store.member_by_id(alice.id));
  store.delete_member(alice.id);  // again: harmless

  SECTION("ids are never reused") {
    store.delete_member(bob.id);
    const auto carol = store.insert_member("carol", "");
    REQUIRE(carol.id > bob.id);
  }
}

TEST_CASE("store: devices CRUD", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto alice = store.insert_member("alice", "");

  Device phone = make_device(alice.id, "phone", 2);
  phone.expires_at = 1'900'000'000;
  phone.mtu = 1280;
  const Device stored = store.insert_device(phone);
  REQUIRE(stored.id > 0);
  REQUIRE(stored.created_at > 0);
  phone.id = stored.id;
  phone.created_at = stored.created_at;
  REQUIRE(stored == phone);

  REQUIRE(store.device_by_id(stored.id) == stored);
  REQUIRE(store.device_by_label(alice.id, "phone") == stored);
  REQUIRE(store.device_by_public_key(stored.public_key) == stored);
  REQUIRE_FALSE(store.device_by_label(alice.id, "laptop"));
  REQUIRE_FALSE(store.device_by_public_key(gateway::Key(bytes_of(200))));

  Device changed = stored;
  changed.label = "old-phone";
  changed.enabled = false;
  changed.expires_at.reset();
  changed.keepalive = 0;
  changed.client_allowed_ips = {gateway::Cidr::parse("10.77.0.0/24")};
  changed.preshared_key = gateway::SecretKey(bytes_of(42));
  store.update_device(changed);
  REQUIRE(store.device_by_id(stored.id) == changed);

  Device ghost = changed;
  ghost.id = 12345;
  REQUIRE_THROWS_AS(store.update_device(ghost), StoreError);

  const Device laptop = store.insert_device(make_device(alice.id, "laptop", 3));
  REQUIRE(store.device_count_of(alice.id) == 2);
  REQUIRE(store.list_devices().size() == 2);
  REQUIRE(store.list_devices(DeviceFilter{alice.id, true}) == std::vector<Device>{laptop});
  REQUIRE(store.list_devices(DeviceFilter{{}, false}) == std::vector<Device>{changed});
  REQUIRE(store.list_devices(DeviceFilter{alice.id + 1, {}}).empty());
  REQUIRE(store.used_host_indices() == std::vector<std::uint32_t>{2, 3});

  store.delete_device(laptop.id);
  REQUIRE_FALSE(store.device_by_id(laptop.id));
  store.delete_device(laptop.id);  // idempotent
}

TEST_CASE("store: deleting a member deletes its devices", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto alice = store.insert_member("alice", "");
  const auto bob = store.insert_member("bob", "");
  store.insert_device(make_device(alice.id, "phone", 2));
  store.insert_device(make_device(alice.id, "laptop", 3));
  const auto bobs = store.insert_device(make_device(bob.id, "phone", 4));

  store.delete_member(alice.id);
  REQUIRE(store.list_devices() == std::vector<Device>{bobs});
  REQUIRE(store.device_count_of(alice.id) == 0);
}

TEST_CASE("store: a device needs an existing member", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  REQUIRE_THROWS_WITH(store.insert_device(make_device(77, "phone", 2)),
                      Catch::Contains("member that does not exist"));
  REQUIRE(count_rows(store, "devices") == 0);
}

TEST_CASE("store: duplicates are conflicts that name the duplicate and change nothing", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto alice = store.insert_member("alice", "");
  const auto first = store.insert_device(make_device(alice.id, "phone", 2));
  const auto before = store.list_devices();

  REQUIRE_THROWS_MATCHES(store.insert_member("alice", "x"), ConflictError,
                         Catch::Message("a member with that label already exists"));

  Device same_label = make_device(alice.id, "phone", 3);
  REQUIRE_THROWS_MATCHES(store.insert_device(same_label), ConflictError,
                         Catch::Message("that member already has a device with that label"));

  Device same_key = make_device(alice.id, "laptop", 3);
  same_key.public_key = first.public_key;
  REQUIRE_THROWS_MATCHES(store.insert_device(same_key), ConflictError,
                         Catch::Message("a device with that public key already exists"));

  Device same_address = make_device(alice.id, "laptop", 2);
  same_address.public_key = gateway::Key(bytes_of(99));
  REQUIRE_THROWS_MATCHES(
      store.insert_device(same_address), ConflictError,
      Catch::Message("that tunnel address is already assigned to another device"));

  REQUIRE(store.list_devices() == before);
  REQUIRE(store.list_members().size() == 1);
  REQUIRE(store.list_members()[0].note.empty());

  // An update that would duplicate a key fails the same way and keeps the row.
  auto laptop = store.insert_device(make_device(alice.id, "laptop", 3));
  const auto laptop_key = laptop.public_key;
  laptop.public_key = first.public_key;
  REQUIRE_THROWS_AS(store.update_device(laptop), ConflictError);
  REQUIRE(store.device_by_id(laptop.id)->public_key == laptop_key);
}

TEST_CASE("store: CHECK constraints back up validation", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto alice = store.insert_member("alice", "");
  REQUIRE_THROWS_AS(store.insert_device(make_device(alice.id, "gw", 1)), StoreError);
  REQUIRE_THROWS_AS(store.insert_member(std::string(33, 'a'), ""), StoreError);
  REQUIRE_THROWS_AS(store.insert_member("bob", std::string(257, 'x')), StoreError);
}

TEST_CASE("store: transactions roll back unless committed and do not nest", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  {
    Store::Transaction transaction(store);
    store.insert_member("alice", "");
    REQUIRE_THROWS_AS(Store::Transaction(store), StoreError);
  }
  REQUIRE(store.list_members().empty());
  {
    Store::Transaction transaction(store);
    store.insert_member("bob", "");
    transaction.commit();
  }
  REQUIRE(store.list_members().size() == 1);
}

TEST_CASE("store: earliest expiry among enabled devices", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  REQUIRE_FALSE(store.earliest_expiry());
  const auto alice = store.insert_member("alice", "");

  Device a = make_device(alice.id, "a", 2);
  a.expires_at = 3000;
  Device b = make_device(alice.id, "b", 3);
  b.expires_at = 1000;
  b.enabled = false;  // disabled devices are already off the interface
  Device c = make_device(alice.id, "c", 4);
  c.expires_at = 2000;
  Device d = make_device(alice.id, "d", 5);  // never expires
  for (const auto& device : {a, b, c, d}) store.insert_device(device);
  REQUIRE(store.earliest_expiry() == 2000);

  // The expiry timer must not read every device.
  const auto plan = query_plan(store,
                               "SELECT min(expires_at) FROM devices WHERE enabled = 1 AND "
                               "expires_at IS NOT NULL");
  INFO(plan);
  REQUIRE_THAT(plan, Catch::Contains("devices_expiry") && !Catch::Contains("SCAN"));
}

TEST_CASE("store: single-device paths use indexes", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const char* queries[] = {
      "SELECT * FROM devices WHERE id = 1",
      "SELECT * FROM devices WHERE member_id = 1 AND label = 'x'",
      "SELECT * FROM devices WHERE public_key = 'x'",
      "SELECT count(*) FROM devices WHERE member_id = 1",
      "SELECT * FROM members WHERE label = 'x'",
  };
  for (const char* query : queries) {
    const auto plan = query_plan(store, query);
    INFO(query << " -> " << plan);
    REQUIRE_THAT(plan, Catch::Contains("USING") && !Catch::Contains("SCAN"));
  }
}

TEST_CASE("store: deleted secrets are overwritten in the file", "[store]") {
  TempDir dir;
  const auto file = dir / "picket.db";
  const std::string marker = "zq-secret-note-marker-zq";
  {
    Store store(file);
    const auto member = store.insert_member("alice", marker);
    store.delete_member(member.id);
    // Move everything from the WAL into the main file, as happens over time.
    REQUIRE(sqlite3_wal_checkpoint_v2(store.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                      nullptr) == SQLITE_OK);
  }
  for (const auto& name : {file.string(), file.string() + "-wal"}) {
    std::ifstream in(name, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), {});
    INFO(name);
    REQUIRE(content.find(marker) == std::string::npos);
  }
}

TEST_CASE("store: revoking changes are flagged for a WAL sync, additions are not", "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto pending = [&] {
    return pragma_text(store, "SELECT count(*) FROM temp.revocation_pending");
  };
  const auto alice = store.insert_member("alice", "");
  const auto phone = store.insert_device(make_device(alice.id, "phone", 2));
  REQUIRE(pending() == "0");
  {
    Store::Transaction transaction(store);
    store.insert_device(make_device(alice.id, "laptop", 3));
    store.delete_device(phone.id);
    REQUIRE(pending() == "1");  // set inside, synced at commit
    transaction.commit();
  }
  REQUIRE(pending() == "0");
  {
    Store::Transaction transaction(store);
    store.delete_member(alice.id);
    REQUIRE(pending() == "1");
  }  // rolled back: nothing to sync
  REQUIRE(pending() == "0");
  REQUIRE(store.device_count_of(alice.id) == 1);

  auto laptop = store.list_devices().at(0);
  laptop.enabled = false;
  store.update_device(laptop);  // autocommit: synced straight away
  REQUIRE(pending() == "0");
  REQUIRE_FALSE(store.device_by_id(laptop.id)->enabled);
}

TEST_CASE("store: migrations are numbered 1, 2, 3, … without gaps", "[store]") {
  int expected = 1;
  for (const auto& migration : picket::controller::migrations()) {
    REQUIRE(migration.version == expected++);
  }
  REQUIRE(picket::controller::latest_schema_version() == expected - 1);
}

TEST_CASE("store: a revoked device's label and key leave the WAL and the database file",
          "[store]") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto file_holds = [](const std::filesystem::path& path, const std::string& needle) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    return bytes.find(needle) != std::string::npos;
  };
  const auto alice = store.insert_member("alice", "");
  store.insert_device(make_device(alice.id, "keeper", 2));
  const auto gone = store.insert_device(make_device(alice.id, "revoked-label-zq7", 3));
  const std::string key = gone.public_key.base64();
  const auto wal = dir / "picket.db-wal";
  // Before: the WAL (where SQLite wrote it) holds the label.
  REQUIRE(file_holds(wal, "revoked-label-zq7"));

  store.delete_device(gone.id);
  for (const auto& path : {dir / "picket.db", wal}) {
    INFO(path.string());
    CHECK_FALSE(file_holds(path, "revoked-label-zq7"));
    CHECK_FALSE(file_holds(path, key));
    CHECK_FALSE(file_holds(
        path, std::string(reinterpret_cast<const char*>(gone.public_key.bytes().data()), 32)));
  }
  CHECK(store.list_devices().size() == 1);
}
