#include <catch2/catch.hpp>

#include "picket/controller/store.hpp"
#include "picket/controller/validate.hpp"
#include "store/device_access.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;
using picket::controller::test::TempDir;
namespace gateway = picket::gateway;

namespace {

Device stored_device(Store& store) {
  const auto member = store.insert_member("alice", "");
  Device device;
  device.member_id = member.id;
  device.label = "phone";
  gateway::KeyBytes bytes{};
  bytes[0] = 7;
  device.public_key = gateway::Key(bytes);
  device.preshared_key = gateway::SecretKey(bytes);
  device.host_index = 2;
  device.ipv4 = gateway::IpAddress::parse("10.77.0.2");
  device.ipv6 = gateway::IpAddress::parse("fd77:77::2");
  device.client_allowed_ips = {gateway::Cidr::parse("0.0.0.0/0")};
  return store.insert_device(device);
}

}  // namespace

TEST_CASE("firewall access: validation normalises and refuses bad input") {
  DeviceAccess access;
  access.restricted_to = std::vector{gateway::Cidr::parse("192.0.2.7/24")};
  access.group = "Committee";
  const auto valid = validate_access(access);
  CHECK(valid.restricted_to->at(0).str() == "192.0.2.0/24");
  CHECK(valid.group == "committee");
  access.group = "no spaces";
  CHECK_THROWS_AS(validate_access(access), std::invalid_argument);
  access.group.clear();
  access.restricted_to = std::vector<gateway::Cidr>(65, gateway::Cidr::parse("10.0.0.0/8"));
  CHECK_THROWS_WITH(validate_access(access), Catch::Contains("at most 64"));
}

TEST_CASE("firewall access: stored per device, defaults without a row, gone with the device") {
  TempDir dir;
  Store store(dir / "picket.db");
  const auto device = stored_device(store);
  CHECK(device_access::load(store, device.id) == DeviceAccess{});
  CHECK_FALSE(device_access::member_to_member(store));

  DeviceAccess nothing;
  nothing.restricted_to = std::vector<gateway::Cidr>{};  // reaches only the gateway
  device_access::save(store, device.id, nothing);
  CHECK(device_access::load(store, device.id) == nothing);

  DeviceAccess some;
  some.restricted_to =
      std::vector{gateway::Cidr::parse("10.0.0.0/8"), gateway::Cidr::parse("fd00::/8")};
  some.group = "crew";
  device_access::save(store, device.id, some);
  CHECK(device_access::load(store, device.id) == some);
  CHECK(device_access::load_all(store).at(device.id) == some);

  device_access::save_member_to_member(store, true);
  CHECK(device_access::member_to_member(store));

  store.delete_device(device.id);  // the row goes with the device (foreign key cascade)
  CHECK(device_access::load_all(store).empty());
}
