// Locked mode's sealed state: created, sealed after every commit, opened
// only with its passphrase; a plain state converted and shredded; a key
// rotation sealed with the commit that names the new key.
#include "state/locked_state.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "state/state_files.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using picket::controller::test::TempDir;
namespace gateway = picket::gateway;

namespace {

constexpr const char* kPassphrase = "correct horse battery staple";

StateSeed options_for(const TempDir& dir) {
  StateSeed options;
  options.state_dir = dir.path();
  options.interface_name = "lockt0";
  options.endpoint = "vpn.example.org:51820";
  options.ipv4_subnet = "10.231.0.0/24";
  options.ipv6_subnet = "fd23:1::/64";
  return options;
}

std::set<std::string> files_in(const TempDir& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    names.insert(entry.path().filename().string());
  return names;
}

std::string contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("locked state: created, sealed at each commit, opened only with the passphrase",
          "[locked]") {
  TempDir dir;
  const auto options = options_for(dir);
  REQUIRE_FALSE(sealed_state_exists(dir.path()));
  std::string private_key;
  {
    auto unlocked = unlock_state(options, kPassphrase);
    REQUIRE(unlocked.how == UnlockedState::How::created);
    REQUIRE(unlocked.state.first_start);
    unlocked.state.store->insert_member("alice-organizer", "night shift");
    private_key = unlocked.state.private_key.base64();
  }
  REQUIRE(files_in(dir) == std::set<std::string>{kSealedStateFileName});
  const auto sealed = contents(dir / kSealedStateFileName);
  REQUIRE(sealed.find("alice-organizer") == std::string::npos);
  REQUIRE(sealed.find("night shift") == std::string::npos);
  REQUIRE(sealed.find(private_key) == std::string::npos);
  REQUIRE(sealed.find("vpn.example.org") == std::string::npos);

  REQUIRE_THROWS_AS(unlock_state(options, "not the passphrase"), UnlockError);
  REQUIRE(contents(dir / kSealedStateFileName) == sealed);  // a wrong guess changes nothing

  auto again = unlock_state(options, kPassphrase);
  REQUIRE(again.how == UnlockedState::How::opened);
  REQUIRE_FALSE(again.state.first_start);
  REQUIRE(again.state.private_key.base64() == private_key);
  REQUIRE(again.state.store->member_by_label("alice-organizer"));
  REQUIRE(again.state.store->settings()->endpoint == "vpn.example.org:51820");
}

TEST_CASE("locked state: a short new passphrase creates nothing", "[locked]") {
  TempDir dir;
  REQUIRE_THROWS_AS(unlock_state(options_for(dir), "short"), std::invalid_argument);
  REQUIRE(files_in(dir).empty());
}

TEST_CASE("locked state: a plain state is sealed and its files shredded", "[locked]") {
  TempDir dir;
  const auto options = options_for(dir);
  std::string private_key;
  {
    auto plain = open_state(options);
    plain.store->insert_member("bob-steward", "");
    private_key = plain.private_key.base64();
  }
  REQUIRE(files_in(dir).count(kDatabaseFileName) == 1);
  {
    auto unlocked = unlock_state(options, kPassphrase);
    REQUIRE(unlocked.how == UnlockedState::How::converted);
    REQUIRE(unlocked.state.store->member_by_label("bob-steward"));
  }
  REQUIRE(files_in(dir) == std::set<std::string>{kSealedStateFileName});
  auto again = unlock_state(options, kPassphrase);
  REQUIRE(again.state.private_key.base64() == private_key);
  REQUIRE(again.state.store->member_by_label("bob-steward"));
}

TEST_CASE("locked state: a rotation's key is sealed with the commit that names it", "[locked]") {
  TempDir dir;
  const auto options = options_for(dir);
  const auto next = gateway::generate_private_key();
  std::string old_key;
  {
    auto unlocked = unlock_state(options, kPassphrase);
    old_key = unlocked.state.private_key.base64();
    unlocked.sealer->stage_next_key(next);
    // A commit that does not name the new key keeps the old one.
    unlocked.state.store->insert_member("carol", "");
  }
  REQUIRE(unlock_state(options, kPassphrase).state.private_key.base64() == old_key);
  {
    auto unlocked = unlock_state(options, kPassphrase);
    unlocked.sealer->stage_next_key(next);
    auto settings = *unlocked.state.store->settings();
    settings.public_key = gateway::public_key_of(next);
    unlocked.state.store->save_settings(settings);
  }
  REQUIRE(unlock_state(options, kPassphrase).state.private_key.base64() == next.base64());
}
