// Revoking many devices at once (member, burn), the network side of the
// panic wipe, gateway key rotation, and their API routes' confirmations and
// password checks.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "api/seizure_hooks.hpp"
#include "api_fixture.hpp"
#include "daemon/seizure_runtime.hpp"
#include "state/state_files.hpp"
#include "state/wipe_files.hpp"
#include "store/sqlite.hpp"

using namespace picket::controller;
using picket::controller::test::ApiFixture;
using picket::controller::test::TempDir;
namespace gateway = picket::gateway;
using nlohmann::json;

namespace {

void add_devices(ApiFixture& f, const std::string& member, int count) {
  f.service->add_member(member, "");
  for (int i = 0; i < count; ++i) {
    NewDevice device;
    device.label = "dev" + std::to_string(i);
    device.public_key = ApiFixture::new_key();
    f.service->add_device(member, device);
  }
}

std::string body(const json& value) {
  return value.dump();
}

}  // namespace

TEST_CASE("seizure: revoke-devices takes every device of one member off at once", "[seizure]") {
  ApiFixture f;
  add_devices(f, "alice", 3);
  add_devices(f, "bob", 2);
  const auto applies = f.backend.applies();
  const auto path = "/api/v1/members/alice/revoke-devices";
  CHECK(f.call(f.unix_socket("POST", path, body({{"confirm", "bob"}}))).status == 400);
  CHECK(f.call(f.unix_socket("POST", path, "{}")).status == 400);
  CHECK(f.backend.read().peers.size() == 5);
  const auto answer = f.call(f.unix_socket("POST", path, body({{"confirm", "alice"}})));
  REQUIRE(answer.status == 200);
  CHECK(ApiFixture::json_of(answer).at("revoked") == 3);
  CHECK(f.backend.applies() == applies + 1);  // one change for all three
  CHECK(f.backend.read().peers.size() == 2);
  CHECK(f.service->list_members().size() == 2);  // the member stays
  CHECK(f.service->list_devices(std::string("alice")).empty());
}

TEST_CASE("seizure: burn revokes every device and is audited", "[seizure]") {
  ApiFixture f;
  f.setup_and_login();
  add_devices(f, "alice", 2);
  add_devices(f, "bob", 2);
  SECTION("over HTTP the password is needed again") {
    auto answer = f.call(f.browser("POST", "/api/v1/burn", body({{"confirm", "burn"}})));
    CHECK(answer.status == 400);
    CHECK(ApiFixture::json_of(answer).at("code") == "password_required");
    answer = f.call(f.browser("POST", "/api/v1/burn",
                              body({{"confirm", "burn"}, {"password", "not the password"}})));
    CHECK(answer.status == 403);
    CHECK(ApiFixture::json_of(answer).at("code") == "password_wrong");
    answer = f.call(f.browser("POST", "/api/v1/burn",
                              body({{"confirm", "burn!"}, {"password", test::kAdminPassword}})));
    CHECK(answer.status == 400);
    CHECK(f.backend.read().peers.size() == 4);
    answer = f.call(f.browser("POST", "/api/v1/burn",
                              body({{"confirm", "burn"}, {"password", test::kAdminPassword}})));
    REQUIRE(answer.status == 200);
    CHECK(ApiFixture::json_of(answer).at("revoked") == 4);
  }
  SECTION("over the unix socket the confirmation suffices") {
    CHECK(f.call(f.unix_socket("POST", "/api/v1/burn", body({{"confirm", "burn"}}))).status == 200);
  }
  CHECK(f.backend.read().peers.empty());
  CHECK(f.service->device_count() == 0);
  const auto audit = ApiFixture::json_of(f.call(f.browser("GET", "/api/v1/audit?q=all%20devices")));
  CHECK(audit.at("total") == 1);
}

TEST_CASE("seizure: a burn through the caller's own device cuts it after the answer", "[seizure]") {
  ApiFixture f;
  f.setup_and_login();
  add_devices(f, "alice", 2);  // dev0 is 10.77.0.2, the fixture's source address
  add_devices(f, "bob", 1);
  std::optional<ApiResponse> answer;
  f.api->handle_async(
      f.browser("POST", "/api/v1/burn",
                body({{"confirm", "burn"}, {"password", test::kAdminPassword}})),
      [](const auth::PasswordJob& job, auth::JobPriority, const api::Api::PasswordDone& done) {
        done(auth::run_password_job(job));
      },
      [&](ApiResponse response) { answer = std::move(response); });
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  const auto reply = ApiFixture::json_of(*answer);
  CHECK(reply.at("revoked") == 3);
  CHECK(reply.at("own_device").at("member") == "alice");
  CHECK(reply.at("own_device").at("device") == "dev0");
  // Answered with every other device gone and the caller's still there...
  REQUIRE(f.backend.read().peers.size() == 1);
  CHECK(f.service->list_devices(std::nullopt).at(0).device.label == "dev0");
  // ...which goes once the answer is out.
  REQUIRE(answer->after_sent);
  answer->after_sent();
  CHECK(f.backend.read().peers.empty());
  CHECK(f.service->device_count() == 0);
}

TEST_CASE("seizure: a refused burn leaves every device", "[seizure]") {
  ApiFixture f;
  add_devices(f, "alice", 3);
  f.backend.fail_operation(1);
  CHECK_THROWS(f.service->revoke_all_devices());
  CHECK(f.service->device_count() == 3);
  CHECK(f.backend.read().peers.size() == 3);
}

TEST_CASE("seizure: the wipe route needs the phrase, the password and the daemon", "[seizure]") {
  ApiFixture f;
  f.setup_and_login();
  const auto wrong_phrase = f.call(f.browser(
      "POST", "/api/v1/wipe", body({{"confirm", "wipe"}, {"password", test::kAdminPassword}})));
  CHECK(wrong_phrase.status == 400);
  CHECK(ApiFixture::json_of(wrong_phrase).at("code") == "confirmation_required");
  const auto no_password =
      f.call(f.browser("POST", "/api/v1/wipe", body({{"confirm", "wipe everything"}})));
  CHECK(ApiFixture::json_of(no_password).at("code") == "password_required");
  // Without a daemon (no hooks) there is nothing to wipe with.
  CHECK(f.call(f.unix_socket("POST", "/api/v1/wipe", body({{"confirm", "wipe everything"}})))
            .status == 503);

  int wipes = 0;
  f.api->set_seizure_hooks({[&] {
                              ++wipes;
                              return std::vector<std::string>{};
                            },
                            {}});
  const auto wiped =
      f.call(f.browser("POST", "/api/v1/wipe",
                       body({{"confirm", "wipe everything"}, {"password", test::kAdminPassword}})));
  CHECK(wiped.status == 200);
  CHECK(wipes == 1);
}

TEST_CASE("seizure: wipe_interface removes peers and interface for good", "[seizure]") {
  ApiFixture f;
  add_devices(f, "alice", 2);
  f.service->take_gateway_down();
  CHECK_FALSE(f.backend.interface_exists());
  // The drift timer must not bring it back while picketd stops.
  CHECK_THROWS(f.service->start());
  CHECK_THROWS(f.service->reconcile());
  CHECK_FALSE(f.backend.interface_exists());
}

TEST_CASE("seizure: erase_database leaves no row in any table", "[seizure]") {
  ApiFixture f;
  f.setup_and_login();
  add_devices(f, "alice", 2);
  erase_database(f.store);
  for (const char* table : {"settings", "members", "devices", "admins", "audit_log",
                            "device_access", "firewall_settings"}) {
    INFO(table);
    const auto count = sqlite::query_int64(f.store.handle(),
                                           std::string("SELECT count(*) FROM ") + table, "count");
    CHECK(count.value_or(-1) == 0);
  }
}

TEST_CASE("seizure: rotate_key puts the new key on the interface and in the settings",
          "[seizure]") {
  ApiFixture f;
  add_devices(f, "alice", 1);
  const auto old_public = f.service->settings().public_key;
  const auto next = gateway::generate_private_key();
  const auto settings = f.service->rotate_key(next);
  CHECK(settings.public_key == gateway::public_key_of(next));
  CHECK(settings.public_key != old_public);
  CHECK(f.store.settings()->public_key == settings.public_key);
  CHECK(f.backend.read().private_key == gateway::clamp_private_key(next));
  // Drift repair keeps the new key, and the device keeps its peer.
  f.service->reconcile();
  CHECK(f.backend.read().private_key == gateway::clamp_private_key(next));
  CHECK(f.backend.read().peers.size() == 1);

  // A refused key changes neither the interface nor the settings.
  f.backend.fail_operation(1);
  CHECK_THROWS(f.service->rotate_key(gateway::generate_private_key()));
  CHECK(f.store.settings()->public_key == settings.public_key);
}

TEST_CASE("seizure: an interrupted rotation is finished or undone at start", "[seizure]") {
  TempDir dir;
  Store store(dir / kDatabaseFileName);
  const auto old_key = gateway::generate_private_key();
  const auto new_key = gateway::generate_private_key();
  Settings settings;
  settings.public_key = gateway::public_key_of(new_key);
  store.save_settings(settings);
  write_key_file(dir / kGatewayKeyFileName, old_key);
  SECTION("committed: the next key takes the old one's place") {
    write_key_file(dir / kNextGatewayKeyFileName, new_key);
    finish_interrupted_rotation(dir.path(), store);
    CHECK(read_key_file(dir / kGatewayKeyFileName) == new_key);
  }
  SECTION("never committed: the next key is shredded") {
    write_key_file(dir / kNextGatewayKeyFileName, gateway::generate_private_key());
    finish_interrupted_rotation(dir.path(), store);
    CHECK(read_key_file(dir / kGatewayKeyFileName) == old_key);
  }
  CHECK_FALSE(std::filesystem::exists(dir / kNextGatewayKeyFileName));
}

TEST_CASE("seizure: shred_file overwrites before unlinking", "[seizure]") {
  TempDir dir;
  const auto file = dir / "secret";
  write_key_file(file, gateway::generate_private_key());
  // A second link to the same inode shows what the blocks hold afterwards.
  std::filesystem::create_hard_link(file, dir / "witness");
  auto contents = [&] {
    std::ifstream in(dir / "witness", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const auto before = contents();
  shred_file(file);
  CHECK_FALSE(std::filesystem::exists(file));
  const auto after = contents();
  CHECK(after.size() == before.size());
  CHECK(after != before);
}
