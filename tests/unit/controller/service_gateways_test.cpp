// A device on some gateway hosts only (issue 16), in the domain service: the
// names are checked, the peer carries them to the fleet, the configs are
// made for them, and a single box refuses the question.
#include <catch2/catch.hpp>

#include "fake_gateway.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
namespace gw = picket::gateway;

namespace {

using Names = std::optional<std::vector<std::string>>;

struct Fixture {
  test::TempDir dir;
  Store store{dir / "picket.db"};
  test::FakeGateway gateway;
  gw::SecretKey private_key = gw::generate_private_key();
  std::unique_ptr<Service> service;

  explicit Fixture(bool controller) {
    Settings settings;
    settings.interface_name = "fake0";
    settings.endpoint = "vpn.example.org:51820";
    settings.public_key = gw::public_key_of(private_key);
    store.save_settings(settings);
    if (controller)
      gateway.endpoints = std::vector<GatewayEndpoint>{
          {"gw-a", "a.example.org:51820", gw::public_key_of(gw::generate_private_key())},
          {"gw-b", "b.example.org:51820", gw::public_key_of(gw::generate_private_key())}};
    restart();
    service->add_member("alice", "");
  }
  void restart() {
    service = std::make_unique<Service>(
        store, gateway, private_key, [] { return std::int64_t{1'800'000'000}; },
        [] { return std::vector<gw::Cidr>{}; });
    service->start();
  }
  NewDevice device(const std::string& label, Names on = std::nullopt) {
    NewDevice d;
    d.label = label;
    d.public_key = gw::public_key_of(gw::generate_private_key());
    d.assigned_gateways = std::move(on);
    return d;
  }
  std::vector<std::string> config_names(const ClientParameters& params) {
    std::vector<std::string> out;
    for (const auto& endpoint : params.gateways) out.push_back(endpoint.name);
    return out;
  }
};

const Names kOnlyB = std::vector<std::string>{"gw-b"};

}  // namespace

TEST_CASE("assigned gateways: the peer goes to those named, the configs are theirs",
          "[service][gateways]") {
  Fixture f(true);
  const auto everywhere = f.service->add_device("alice", f.device("laptop"));
  CHECK(f.config_names(everywhere) == std::vector<std::string>{"gw-a", "gw-b"});
  CHECK(f.gateway.hosts.at(everywhere.device.public_key) == std::nullopt);
  CHECK(f.service->assigned_gateways("alice", "laptop") == std::nullopt);

  const auto phone = f.service->add_device("alice", f.device("phone", kOnlyB));
  CHECK(f.config_names(phone) == std::vector<std::string>{"gw-b"});
  CHECK(f.gateway.hosts.at(phone.device.public_key) == kOnlyB);
  CHECK(f.service->assigned_gateways("alice", "phone") == kOnlyB);

  // Kept across a restart: the whole state carries it.
  f.restart();
  CHECK(f.gateway.hosts.at(phone.device.public_key) == kOnlyB);

  // Moved to every gateway, then (sorted) to both by name, then to none.
  CHECK(f.service->set_assigned_gateways("alice", "phone", std::nullopt) == std::nullopt);
  CHECK(f.gateway.hosts.at(phone.device.public_key) == std::nullopt);
  const Names both = std::vector<std::string>{"gw-a", "gw-b"};
  CHECK(f.service->set_assigned_gateways("alice", "phone",
                                         std::vector<std::string>{"gw-b", "gw-a"}) == both);
  CHECK(f.gateway.hosts.at(phone.device.public_key) == both);
  const Names none = std::vector<std::string>{};
  CHECK(f.service->set_assigned_gateways("alice", "phone", none) == none);
  CHECK(f.gateway.hosts.at(phone.device.public_key) == none);

  // A reissue hands out configs only for the gateways it is on.
  f.service->set_assigned_gateways("alice", "phone", kOnlyB);
  const auto reissued =
      f.service->reissue_device("alice", "phone", gw::public_key_of(gw::generate_private_key()));
  CHECK(f.config_names(reissued) == std::vector<std::string>{"gw-b"});
  CHECK(f.gateway.hosts.at(reissued.device.public_key) == kOnlyB);
}

TEST_CASE("assigned gateways: bad names change nothing", "[service][gateways]") {
  Fixture f(true);
  const auto devices = f.store.list_devices();
  CHECK_THROWS_WITH(
      f.service->add_device("alice", f.device("phone", std::vector<std::string>{"gw-x"})),
      Catch::Contains("not enrolled"));
  CHECK_THROWS_WITH(
      f.service->add_device("alice", f.device("phone", std::vector<std::string>{"gw-a", "gw-a"})),
      Catch::Contains("named twice"));
  CHECK_THROWS_WITH(f.service->add_device("alice", f.device("phone", std::vector<std::string>{})),
                    Catch::Contains("nowhere to connect"));
  CHECK(f.store.list_devices() == devices);
  CHECK(f.gateway.hosts.empty());

  f.service->add_device("alice", f.device("phone", kOnlyB));
  CHECK_THROWS_AS(
      f.service->set_assigned_gateways("alice", "phone", std::vector<std::string>{"gw-x"}),
      std::invalid_argument);
  CHECK(f.service->assigned_gateways("alice", "phone") == kOnlyB);
  CHECK_THROWS_AS(f.service->set_assigned_gateways("alice", "tablet", std::nullopt), NotFoundError);

  // A refused apply leaves the stored assignment as it was.
  f.gateway.refuse_puts = true;
  CHECK_THROWS_AS(f.service->set_assigned_gateways("alice", "phone", std::nullopt), ApplyError);
  CHECK(f.service->assigned_gateways("alice", "phone") == kOnlyB);
}

TEST_CASE("assigned gateways: a single box has one interface and refuses the question",
          "[service][gateways]") {
  Fixture f(false);
  CHECK_THROWS_WITH(f.service->add_device("alice", f.device("phone", kOnlyB)),
                    Catch::Contains("single box"));
  CHECK(f.store.list_devices().empty());
  const auto phone = f.service->add_device("alice", f.device("phone"));
  CHECK(phone.gateways.empty());
  CHECK_THROWS_AS(f.service->assigned_gateways("alice", "phone"), ConflictError);
  CHECK_THROWS_AS(f.service->set_assigned_gateways("alice", "phone", std::nullopt), ConflictError);
  CHECK_THROWS_AS(f.service->set_assigned_gateways("alice", "phone", kOnlyB), ConflictError);
}
