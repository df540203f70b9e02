// Backup contents: a snapshot of a state directory restores into another
// one with every member, device, preshared key and setting; a restore that
// cannot finish leaves the directory as it was.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "fake_gateway.hpp"
#include "picket/controller/service.hpp"
#include "state/backup_file.hpp"
#include "state/state_files.hpp"
#include "state/state_snapshot.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using picket::controller::test::TempDir;
namespace gateway = picket::gateway;

namespace {

// A state directory as picketd leaves it: picket.db and gateway.key.
struct StateDir {
  TempDir dir;
  gateway::SecretKey key = gateway::generate_private_key();

  StateDir() {
    write_key_file(dir / kGatewayKeyFileName, key);
    Store store(dir / kDatabaseFileName);
    Settings settings;
    settings.interface_name = "fake0";
    settings.endpoint = "vpn.example.org:51820";
    settings.public_key = gateway::public_key_of(key);
    store.save_settings(settings);
    test::FakeGateway gateway;
    Service service(store, gateway, key);
    service.start();
    service.add_member("alice", "note");
    service.add_member("bob", "");
    for (const char* label : {"phone", "laptop"}) {
      NewDevice device;
      device.label = label;
      device.public_key = gateway::public_key_of(gateway::generate_private_key());
      service.add_device("alice", device);
    }
  }
};

}  // namespace

TEST_CASE("backup state: snapshot and restore bring back every row and the key", "[backup]") {
  StateDir source;
  backup::StateCounts counts;
  const auto payload = backup::snapshot_state(source.dir.path(), &counts);
  CHECK(counts.members == 2);
  CHECK(counts.devices == 2);

  TempDir target;
  const auto restored_dir = target / "state";
  const auto restored = backup::restore_state(payload.span(), restored_dir);
  CHECK(restored.devices == 2);
  CHECK(read_key_file(restored_dir / kGatewayKeyFileName) == source.key);

  Store original(source.dir / kDatabaseFileName);
  Store copy(restored_dir / kDatabaseFileName);
  CHECK(copy.settings() == original.settings());
  CHECK(copy.list_members() == original.list_members());
  CHECK(copy.list_devices() == original.list_devices());  // preshared keys included
  // Only the two state files, no temporaries left behind.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(restored_dir)) {
    const auto name = entry.path().filename().string();
    CHECK(name.rfind(kRestorePrefix, 0) != 0);
    ++files;
  }
  CHECK(files >= 2);
}

TEST_CASE("backup state: through the encrypted file and back", "[backup]") {
  StateDir source;
  const auto payload = backup::snapshot_state(source.dir.path());
  const auto file = backup::seal(payload.span(), "long enough passphrase",
                                 {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN});
  const auto opened = backup::open(file, "long enough passphrase");
  TempDir target;
  CHECK(backup::restore_state(opened.span(), target.path()).members == 2);
}

TEST_CASE("backup state: restore refuses a directory that holds a database", "[backup]") {
  StateDir source;
  const auto payload = backup::snapshot_state(source.dir.path());
  StateDir occupied;
  const auto before = read_key_file(occupied.dir / kGatewayKeyFileName);
  CHECK_THROWS_WITH(backup::restore_state(payload.span(), occupied.dir.path()),
                    Catch::Contains("already holds a database"));
  CHECK(read_key_file(occupied.dir / kGatewayKeyFileName) == before);
}

TEST_CASE("backup state: damaged contents change nothing", "[backup]") {
  StateDir source;
  auto payload = backup::snapshot_state(source.dir.path());
  TempDir target;
  SECTION("a cut-off payload") {
    std::vector<std::uint8_t> cut(payload.bytes().begin(), payload.bytes().end() - 10);
    CHECK_THROWS_WITH(backup::restore_state(cut, target.path()), Catch::Contains("cut short"));
  }
  SECTION("a database image that is not one") {
    // The image is the last record: spoil its first page.
    auto& bytes = payload.bytes();
    const std::size_t image_start = 8 + 9 + 32 + 9;
    for (std::size_t i = image_start; i < image_start + 100; ++i) bytes[i] = 0x5a;
    CHECK_THROWS(backup::restore_state(payload.span(), target.path()));
  }
  SECTION("a key that does not belong to the database") {
    auto& bytes = payload.bytes();
    bytes[8 + 9] ^= 0xff;
    CHECK_THROWS_WITH(backup::restore_state(payload.span(), target.path()),
                      Catch::Contains("does not match"));
  }
  CHECK(std::filesystem::is_empty(target.path()));
}
