// The domain service on the fake backend: every change reaches the interface
// incrementally, and a refused change leaves database and interface as they
// were.
#include "picket/controller/service.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "fake_gateway.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/render.hpp"
#include "picket/gateway/error.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using picket::gateway::Cidr;
using picket::gateway::FakeBackend;
using picket::gateway::Key;

namespace {

struct Fixture {
  test::TempDir dir;
  Store store{dir / "picket.db"};
  test::FakeGateway gateway;
  FakeBackend& backend = gateway.backend;
  picket::gateway::SecretKey private_key = picket::gateway::generate_private_key();
  std::int64_t now = 1'800'000'000;
  std::vector<Cidr> host_networks{Cidr::parse("192.168.1.0/24")};
  std::unique_ptr<Service> service;

  Fixture() {
    Settings settings;
    settings.interface_name = "fake0";
    settings.endpoint = "vpn.example.org:51820";
    settings.public_key = picket::gateway::public_key_of(private_key);
    store.save_settings(settings);
    restart();
  }

  void restart() {
    service = std::make_unique<Service>(
        store, gateway, private_key, [this] { return now; }, [this] { return host_networks; });
    service->start();
  }

  static Key new_key() {
    return picket::gateway::public_key_of(picket::gateway::generate_private_key());
  }

  NewDevice device(const std::string& label) {
    NewDevice d;
    d.label = label;
    d.public_key = new_key();
    return d;
  }

  bool on_interface(const Key& key) {
    for (const auto& peer : backend.state().peers) {
      if (peer.config.public_key == key) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("start brings the interface to exactly the enabled devices", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  auto stray = Fixture::new_key();
  f.backend.state().peers.push_back({{stray, std::nullopt, {Cidr::parse("10.77.0.99/32")}, 0}, {}});
  f.backend.state().peers.erase(f.backend.state().peers.begin());  // phone's peer lost

  const auto report = f.service->reconcile();
  CHECK(report.result.added == 1);
  CHECK(report.result.removed == 1);
  CHECK(f.on_interface(phone.device.public_key));
  CHECK_FALSE(f.on_interface(stray));
  CHECK(f.backend.link().addresses ==
        std::vector<Cidr>{Cidr::parse("10.77.0.1/24"), Cidr::parse("fd77:77::1/64")});
}

TEST_CASE("a device add is one incremental change, not a rewrite", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  for (int i = 0; i < 50; ++i) f.service->add_device("alice", f.device("d" + std::to_string(i)));
  const auto reads = f.backend.reads();
  const auto applies = f.backend.applies();
  const auto peer_changes = f.backend.peer_changes_applied();

  auto added = f.service->add_device("alice", f.device("one-more"));
  CHECK(f.backend.reads() == reads);
  CHECK(f.backend.applies() == applies + 1);
  CHECK(f.backend.peer_changes_applied() == peer_changes + 1);
  CHECK(added.device.ipv4.str() == "10.77.0.52");
  CHECK(added.device.ipv6.str() == "fd77:77::34");

  f.service->revoke_device("alice", "one-more");
  CHECK(f.backend.applies() == applies + 2);
  CHECK(f.backend.peer_changes_applied() == peer_changes + 2);
  CHECK(f.backend.reads() == reads);
}

TEST_CASE("a refused apply leaves database, addresses and interface as they were", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  f.service->add_device("alice", f.device("phone"));
  const auto devices_before = f.store.list_devices();
  const auto peers_before = f.backend.state().peers;

  SECTION("add") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->add_device("alice", f.device("laptop")), ApplyError);
    CHECK(f.store.list_devices() == devices_before);
    CHECK(f.backend.state().peers == peers_before);
    // The address went back to the pool.
    CHECK(f.service->add_device("alice", f.device("laptop")).device.ipv4.str() == "10.77.0.3");
  }
  SECTION("revoke") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->revoke_device("alice", "phone"), ApplyError);
    CHECK(f.store.list_devices() == devices_before);
    CHECK(f.backend.state().peers == peers_before);
  }
  SECTION("disable") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->set_enabled("alice", "phone", false), ApplyError);
    CHECK(f.store.list_devices() == devices_before);
  }
  SECTION("reissue") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->reissue_device("alice", "phone", Fixture::new_key()), ApplyError);
    CHECK(f.store.list_devices() == devices_before);
    CHECK(f.backend.state().peers == peers_before);
  }
  SECTION("member removal") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->remove_member("alice"), ApplyError);
    CHECK(f.store.list_devices() == devices_before);
    CHECK(f.store.list_members().size() == 1);
  }
}

TEST_CASE("a duplicate key is refused without touching the device that owns it", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  auto copy = f.device("laptop");
  copy.public_key = phone.device.public_key;
  CHECK_THROWS_AS(f.service->add_device("alice", copy), ConflictError);
  CHECK(f.on_interface(phone.device.public_key));
  CHECK(f.store.list_devices().size() == 1);
}

TEST_CASE("disable, enable and reissue", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  const auto old_key = phone.device.public_key;

  f.service->set_enabled("alice", "phone", false);
  CHECK_FALSE(f.on_interface(old_key));
  f.service->set_enabled("alice", "phone", true);
  CHECK(f.on_interface(old_key));

  const auto new_key = Fixture::new_key();
  const auto applies = f.backend.applies();
  auto reissued = f.service->reissue_device("alice", "phone", new_key);
  CHECK(f.backend.applies() == applies + 1);  // old out and new in, one set
  CHECK_FALSE(f.on_interface(old_key));
  CHECK(f.on_interface(new_key));
  CHECK_FALSE(reissued.device.preshared_key == phone.device.preshared_key);
  CHECK(reissued.device.ipv4 == phone.device.ipv4);
  CHECK_THROWS_AS(f.service->reissue_device("alice", "phone", new_key), std::invalid_argument);
}

TEST_CASE("split lists: repeats are dropped, more than the QR limit is refused", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto request = f.device("work");
  request.allowed_ips = {Cidr::parse("10.0.0.0/8"), Cidr::parse("10.1.2.3/8"),
                         Cidr::parse("fd00::/8"), Cidr::parse("10.0.0.0/8")};
  const auto work = f.service->add_device("alice", request);
  CHECK(work.device.client_allowed_ips ==
        std::vector<Cidr>{Cidr::parse("10.0.0.0/8"), Cidr::parse("fd00::/8")});

  const auto devices_before = f.store.list_devices();
  const auto peers_before = f.backend.state().peers;
  auto many = f.device("many");
  for (std::size_t i = 0; i <= kMaxSplitEntries; ++i)
    many.allowed_ips.push_back(Cidr::parse("2001:db8::" + std::to_string(i + 1) + "/128"));
  // One past the limit, twice over: repeats do not count.
  many.allowed_ips.push_back(many.allowed_ips.front());
  CHECK_THROWS_WITH(f.service->add_device("alice", many),
                    Catch::Contains(std::to_string(kMaxSplitEntries + 1) + " different entries") &&
                        Catch::Contains("at most " + std::to_string(kMaxSplitEntries)));
  CHECK(f.store.list_devices() == devices_before);
  CHECK(f.backend.state().peers == peers_before);
  many.allowed_ips.pop_back();
  many.allowed_ips.pop_back();
  CHECK(f.service->add_device("alice", many).device.client_allowed_ips.size() == kMaxSplitEntries);
}

TEST_CASE("reissue: the admin's side may bring the preshared key", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  const auto psk = picket::gateway::generate_preshared_key();
  auto reissued = f.service->reissue_device("alice", "phone", Fixture::new_key(), psk);
  CHECK(reissued.device.preshared_key == psk);
  CHECK(f.store.list_devices().at(0).preshared_key == psk);
  CHECK_THROWS_WITH(
      f.service->reissue_device("alice", "phone", Fixture::new_key(), picket::gateway::SecretKey{}),
      Catch::Contains("all zeros"));
  CHECK(f.store.list_devices().at(0).preshared_key == psk);
}

TEST_CASE("reissue: a device from before the split limit is refused, unchanged", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  // As an older picketd could store it.
  auto old = f.store.list_devices().at(0);
  for (std::size_t i = 0; i <= kMaxSplitEntries; ++i)
    old.client_allowed_ips.push_back(Cidr::parse("10." + std::to_string(i) + ".0.0/16"));
  f.store.update_device(old);
  const auto peers_before = f.backend.state().peers;
  CHECK_THROWS_WITH(f.service->reissue_device("alice", "phone", Fixture::new_key()),
                    Catch::Contains("at most " + std::to_string(kMaxSplitEntries)));
  CHECK(f.store.list_devices().at(0) == old);
  CHECK(f.backend.state().peers == peers_before);
}

TEST_CASE("expiry removes the peer when its time comes, and only then", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto request = f.device("tablet");
  request.expires_at = f.now + 60;
  auto tablet = f.service->add_device("alice", request);
  f.service->add_device("alice", f.device("phone"));
  CHECK(f.service->next_expiry() == f.now + 60);

  f.now += 59;
  CHECK(f.service->expire_due() == 0);
  CHECK(f.on_interface(tablet.device.public_key));
  f.now += 1;
  CHECK(f.service->expire_due() == 1);
  CHECK_FALSE(f.on_interface(tablet.device.public_key));
  CHECK_FALSE(f.service->next_expiry());
  CHECK_FALSE(f.service->show_device("alice", "tablet").active);

  // A later reconcile or restart keeps it off; extending brings it back.
  f.restart();
  CHECK_FALSE(f.on_interface(tablet.device.public_key));
  f.service->set_expiry("alice", "tablet", f.now + 3600);
  CHECK(f.on_interface(tablet.device.public_key));
  CHECK(f.service->next_expiry() == f.now + 3600);
  CHECK_THROWS_AS(f.service->set_expiry("alice", "tablet", f.now - 1), std::invalid_argument);
}

TEST_CASE("removing a member revokes all of its devices", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  f.service->add_member("bob", "");
  auto a1 = f.service->add_device("alice", f.device("phone"));
  auto a2 = f.service->add_device("alice", f.device("laptop"));
  auto b1 = f.service->add_device("bob", f.device("phone"));
  f.service->remove_member("alice");
  CHECK_FALSE(f.on_interface(a1.device.public_key));
  CHECK_FALSE(f.on_interface(a2.device.public_key));
  CHECK(f.on_interface(b1.device.public_key));
  CHECK(f.store.list_devices().size() == 1);
  CHECK_THROWS_AS(f.service->show_device("alice", "phone"), NotFoundError);
}

TEST_CASE("settings: subnets are checked and fixed once devices exist", "[service]") {
  Fixture f;
  SettingsChange overlap;
  overlap.ipv4_subnet = Cidr::parse("192.168.0.0/16");
  CHECK_THROWS_WITH(f.service->change_settings(overlap),
                    Catch::Contains("overlaps 192.168.1.0/24"));

  SettingsChange move;
  move.ipv4_subnet = Cidr::parse("10.99.0.0/24");
  f.service->change_settings(move);
  CHECK(f.backend.link().addresses.front() == Cidr::parse("10.99.0.1/24"));

  f.service->add_member("alice", "");
  f.service->add_device("alice", f.device("phone"));
  move.ipv4_subnet = Cidr::parse("10.98.0.0/24");
  CHECK_THROWS_WITH(f.service->change_settings(move), Catch::Contains("while devices exist"));
  CHECK(f.service->settings().ipv4_subnet == Cidr::parse("10.99.0.0/24"));

  SettingsChange port;
  port.listen_port = 51900;
  f.backend.fail_operation(1);
  CHECK_THROWS_AS(f.service->change_settings(port), ApplyError);
  CHECK(f.service->settings().listen_port == 51820);
  CHECK(f.store.settings()->listen_port == 51820);
  f.service->change_settings(port);
  CHECK(f.backend.state().listen_port == 51900);
}

TEST_CASE("status reads live counters but never hands out endpoints", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  auto& peer = f.backend.state().peers.front();
  peer.stats.endpoint = "198.51.100.7:4242";
  peer.stats.rx_bytes = 1234;
  peer.stats.last_handshake_unix = f.now - 5;
  const auto status = f.service->status();
  REQUIRE(status.size() == 1);
  CHECK(status[0].active);
  CHECK(status[0].stats.rx_bytes == 1234);
  CHECK_FALSE(status[0].stats.endpoint);
}

TEST_CASE("the gateway key must match the stored public key", "[service]") {
  Fixture f;
  CHECK_THROWS_WITH(Service(f.store, f.gateway, picket::gateway::generate_private_key()),
                    Catch::Contains("does not match"));
}

TEST_CASE("the gateway's names follow the active devices in the same call", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  auto phone = f.service->add_device("alice", f.device("phone"));
  auto request = f.device("tablet");
  request.expires_at = f.now + 10;
  f.service->add_device("alice", request);
  CHECK(f.gateway.names() == std::set<std::string>{"alice/phone", "alice/tablet"});

  f.service->set_enabled("alice", "phone", false);
  CHECK(f.gateway.names() == std::set<std::string>{"alice/tablet"});
  f.service->set_enabled("alice", "phone", true);
  f.now += 10;
  f.service->expire_due();
  CHECK(f.gateway.names() == std::set<std::string>{"alice/phone"});

  SECTION("a refused put undoes the peer and the row") {
    f.gateway.refuse_puts = true;
    const auto peers = f.backend.state().peers;
    CHECK_THROWS_AS(f.service->add_device("alice", f.device("laptop")), ApplyError);
    CHECK(f.backend.state().peers == peers);
    CHECK_THROWS_AS(f.service->show_device("alice", "laptop"), NotFoundError);
  }
  SECTION("revoke and member removal") {
    f.service->revoke_device("alice", "phone");
    CHECK(f.gateway.names().empty());
  }
  SECTION("reconcile sends everything again") {
    const auto state = f.service->gateway_state();
    REQUIRE(state.peers.size() == 1);
    CHECK(state.peers[0].dns_name == "phone.alice");
    CHECK(f.service->reconcile().desired_peers == 1);
    CHECK(f.gateway.names() == std::set<std::string>{"alice/phone"});
  }
}

TEST_CASE("a device that creates its member leaves no member when it is refused", "[service]") {
  Fixture f;
  auto with_member = [&](const std::string& label) {
    auto d = f.device(label);
    d.new_member_note = "met at the depot";
    return d;
  };
  SECTION("the interface refuses the peer") {
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->add_device("carol", with_member("phone")), ApplyError);
    CHECK(f.store.list_members().empty());
  }
  SECTION("the device itself is invalid") {
    auto bad = with_member("no spaces allowed");
    CHECK_THROWS_AS(f.service->add_device("carol", bad), std::invalid_argument);
    CHECK(f.store.list_members().empty());
  }
  SECTION("the key is taken by another member's device") {
    f.service->add_member("alice", "");
    auto taken = f.service->add_device("alice", f.device("phone"));
    auto dup = with_member("phone");
    dup.public_key = taken.device.public_key;
    CHECK_THROWS_AS(f.service->add_device("carol", dup), ConflictError);
    CHECK(f.store.list_members().size() == 1);
  }
  SECTION("accepted: member and device come together; an existing member is reused") {
    const auto first = f.service->add_device("carol", with_member("phone"));
    CHECK(first.member_created);
    CHECK(f.store.member_by_label("carol")->note == "met at the depot");
    const auto second = f.service->add_device("carol", with_member("laptop"));
    CHECK_FALSE(second.member_created);
    CHECK(f.store.list_members().size() == 1);
    CHECK(f.on_interface(second.device.public_key));
  }
  SECTION("without the flag an unknown member is still an error") {
    CHECK_THROWS_AS(f.service->add_device("carol", f.device("phone")), NotFoundError);
    CHECK(f.store.list_members().empty());
  }
}

TEST_CASE("cutting a member off disables all of its devices in one change", "[service]") {
  Fixture f;
  f.service->add_member("alice", "");
  f.service->add_member("bob", "");
  auto a1 = f.service->add_device("alice", f.device("phone"));
  auto a2 = f.service->add_device("alice", f.device("laptop"));
  auto b1 = f.service->add_device("bob", f.device("phone"));
  f.service->set_enabled("alice", "laptop", false);

  SECTION("a refused change disables none") {
    f.service->set_enabled("alice", "laptop", true);
    f.backend.fail_operation(1);
    CHECK_THROWS_AS(f.service->disable_member_devices("alice"), ApplyError);
    CHECK(f.on_interface(a1.device.public_key));
    CHECK(f.on_interface(a2.device.public_key));
    CHECK(f.store.device_by_id(a1.device.id)->enabled);
  }
  SECTION("accepted: the enabled ones go off; the devices stay") {
    CHECK(f.service->disable_member_devices("alice") == 1);
    CHECK_FALSE(f.on_interface(a1.device.public_key));
    CHECK_FALSE(f.on_interface(a2.device.public_key));
    CHECK(f.on_interface(b1.device.public_key));
    CHECK_FALSE(f.store.device_by_id(a1.device.id)->enabled);
    CHECK(f.store.list_devices().size() == 3);
    CHECK(f.service->disable_member_devices("alice") == 0);
    // Each comes back on its own.
    f.service->set_enabled("alice", "phone", true);
    CHECK(f.on_interface(a1.device.public_key));
  }
  CHECK_THROWS_AS(f.service->disable_member_devices("nobody"), NotFoundError);
}
