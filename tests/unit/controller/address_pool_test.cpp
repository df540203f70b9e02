#include "picket/controller/address_pool.hpp"

#include <catch2/catch.hpp>

using picket::controller::AddressPool;
using picket::gateway::Cidr;
using picket::gateway::IpAddress;

namespace {

AddressPool pool(const char* v4, const char* v6 = "fd77:77::/64") {
  return AddressPool(Cidr::parse(v4), Cidr::parse(v6));
}

}  // namespace

TEST_CASE("address pool: the gateway has index 1, devices get the lowest free index",
          "[address_pool]") {
  auto addresses = pool("10.77.0.0/24");
  REQUIRE(addresses.capacity() == 254);
  REQUIRE(addresses.in_use(1));
  REQUIRE(addresses.gateway_ipv4() == IpAddress::parse("10.77.0.1"));
  REQUIRE(addresses.gateway_ipv6() == IpAddress::parse("fd77:77::1"));

  REQUIRE(addresses.allocate() == 2);
  REQUIRE(addresses.allocate() == 3);
  REQUIRE(addresses.allocate() == 4);
  REQUIRE(addresses.used() == 3);
  REQUIRE(addresses.ipv4_of(4) == IpAddress::parse("10.77.0.4"));
  REQUIRE(addresses.ipv6_of(4) == IpAddress::parse("fd77:77::4"));
  REQUIRE(addresses.ipv4_of(254) == IpAddress::parse("10.77.0.254"));
  REQUIRE_THROWS_AS(addresses.ipv4_of(255), std::out_of_range);  // broadcast
}

TEST_CASE("address pool: released indices are reused, lowest first", "[address_pool]") {
  auto addresses = pool("10.77.0.0/22");
  for (int i = 0; i < 200; ++i) addresses.allocate();
  addresses.release(150);
  addresses.release(70);
  addresses.release(70);  // twice: harmless
  REQUIRE_FALSE(addresses.in_use(70));
  REQUIRE(addresses.used() == 198);
  REQUIRE(addresses.allocate() == 70);
  REQUIRE(addresses.allocate() == 150);
  REQUIRE(addresses.allocate() == 202);
}

TEST_CASE("address pool: reserving what the store holds", "[address_pool]") {
  auto addresses = pool("10.77.0.0/24");
  addresses.reserve(2);
  addresses.reserve(3);
  addresses.reserve(5);
  addresses.reserve(5);
  REQUIRE(addresses.used() == 3);
  REQUIRE(addresses.allocate() == 4);
  REQUIRE(addresses.allocate() == 6);
  REQUIRE_THROWS_AS(addresses.reserve(1), std::out_of_range);
  REQUIRE_THROWS_AS(addresses.reserve(255), std::out_of_range);
  REQUIRE_THROWS_AS(addresses.release(0), std::out_of_range);
}

TEST_CASE("address pool: exhaustion names the subnet and says to widen it", "[address_pool]") {
  auto addresses = pool("10.77.0.0/29");
  REQUIRE(addresses.capacity() == 6);
  for (std::uint32_t expected = 2; expected <= 6; ++expected) {
    REQUIRE(addresses.allocate() == expected);
  }
  REQUIRE_THROWS_WITH(addresses.allocate(),
                      "the IPv4 subnet 10.77.0.0/29 is full: all 5 device addresses are in use; "
                      "widen it (for example to /28) or remove devices that are no longer used");
  addresses.release(4);
  REQUIRE(addresses.allocate() == 4);

  SECTION("a narrow IPv6 subnet is the limit when it is smaller") {
    auto v6_bound = pool("10.77.0.0/16", "fd77:77::/120");
    REQUIRE(v6_bound.capacity() == 255);
    for (int i = 0; i < 254; ++i) v6_bound.allocate();
    REQUIRE_THROWS_WITH(v6_bound.allocate(), Catch::StartsWith("the IPv6 subnet fd77:77::/120 is "
                                                               "full") &&
                                                 Catch::Contains("to /119"));
  }
}

TEST_CASE("address pool: a /16 holds 65533 devices, and no more", "[address_pool]") {
  auto addresses = pool("10.77.0.0/16");
  REQUIRE(addresses.capacity() == 65534);
  std::uint32_t last = 0;
  for (int i = 0; i < 65533; ++i) last = addresses.allocate();
  REQUIRE(last == 65534);
  REQUIRE(addresses.ipv4_of(last) == IpAddress::parse("10.77.255.254"));
  REQUIRE(addresses.ipv6_of(last) == IpAddress::parse("fd77:77::fffe"));
  REQUIRE_THROWS_WITH(addresses.allocate(), Catch::Contains("10.77.0.0/16 is full") &&
                                                Catch::Contains("widest Picket supports"));
  addresses.release(40000);
  REQUIRE(addresses.allocate() == 40000);
}

TEST_CASE("address pool: unusable subnets are refused", "[address_pool]") {
  REQUIRE_THROWS_WITH(pool("10.0.0.0/15"), Catch::Contains("/16 to /30"));
  REQUIRE_THROWS_WITH(pool("10.77.0.0/31"), Catch::Contains("/16 to /30"));
  REQUIRE_THROWS_WITH(pool("10.77.0.5/24"),
                      Catch::Contains("host bits") && Catch::Contains("10.77.0.0/24"));
  REQUIRE_THROWS_WITH(pool("10.77.0.0/24", "fd77:77::/121"), Catch::Contains("/120"));
  REQUIRE_THROWS_WITH(pool("10.77.0.0/24", "fd77:77::1/64"), Catch::Contains("host bits"));
  REQUIRE_THROWS_AS(pool("fd77:77::/64", "fd77:77::/64"), std::invalid_argument);
  REQUIRE_THROWS_AS(pool("10.77.0.0/24", "10.78.0.0/24"), std::invalid_argument);
  REQUIRE(pool("10.77.0.0/30").capacity() == 2);
}
