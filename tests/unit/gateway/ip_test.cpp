#include "picket/gateway/ip.hpp"

#include <catch2/catch.hpp>

#include "picket/gateway/error.hpp"

using namespace picket::gateway;

TEST_CASE("ip: addresses parse and print canonically", "[ip]") {
  CHECK(IpAddress::parse("10.77.0.1").str() == "10.77.0.1");
  CHECK(IpAddress::parse("10.77.0.1").is_v4());
  CHECK(IpAddress::parse("FD77:0077:0:0::1").str() == "fd77:77::1");
  CHECK(IpAddress::parse("::").str() == "::");
  CHECK(IpAddress::parse("::ffff:1.2.3.4").family == IpAddress::Family::v6);
  CHECK(IpAddress::parse("10.0.0.1") < IpAddress::parse("10.0.0.2"));
}

TEST_CASE("ip: junk is rejected and quoted", "[ip]") {
  const char* bad[] = {"",           " 10.0.0.1", "10.0.0.1 ",    "10.0.0",
                       "10.0.0.256", "010.0.0.1", "10.0.0.1/8",   "fd77::1%eth0",
                       "fd77:::1",   "1.2.3.4.5", "host.example", "0x0a.0.0.1"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(IpAddress::try_parse(text));
  }
  CHECK_FALSE(IpAddress::try_parse(std::string_view("10.0.0.1\0x", 10)));
  CHECK_THROWS_WITH(IpAddress::parse("10.0.0.300"), Catch::Contains("\"10.0.0.300\""));
  const std::string huge(10000, '1');
  try {
    IpAddress::parse(huge);
    FAIL("accepted");
  } catch (const ParseError& e) {
    CHECK(std::string(e.what()).size() < 200);
  }
}

TEST_CASE("ip: CIDR parsing", "[ip]") {
  CHECK(Cidr::parse("10.77.0.1/24").str() == "10.77.0.1/24");
  CHECK(Cidr::parse("10.77.0.1").str() == "10.77.0.1/32");
  CHECK(Cidr::parse("fd77:77::2").str() == "fd77:77::2/128");
  CHECK(Cidr::parse("0.0.0.0/0").prefix == 0);
  CHECK(Cidr::parse("::/0").str() == "::/0");
  const char* bad[] = {"10.0.0.0/33",   "fd77::/129",  "10.0.0.0/",   "10.0.0.0/-1", "10.0.0.0/+8",
                       "10.0.0.0/8x",   "10.0.0.0/ 8", "10.0.0.0 /8", "/8",          "10.0.0.0/8/8",
                       "10.0.0.0/1000", " 10.0.0.0/8", "10.0.0.0/8 "};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(Cidr::try_parse(text));
  }
  CHECK_THROWS_AS(Cidr::parse("10.0.0.0/33"), ParseError);
  CHECK_THROWS_WITH(Cidr::parse("10.0.0.0/33"), Catch::Contains("\"10.0.0.0/33\""));
}

TEST_CASE("ip: network, contains, overlaps", "[ip]") {
  CHECK(Cidr::parse("10.77.3.9/22").network().str() == "10.77.0.0/22");
  CHECK(Cidr::parse("10.77.3.9/0").network().str() == "0.0.0.0/0");
  CHECK(Cidr::parse("fd77:77::1:ffff/113").network().str() == "fd77:77::1:8000/113");
  CHECK(Cidr::parse("fd77:77::1:7fff/113").network().str() == "fd77:77::1:0/113");
  CHECK(Cidr::parse("fd77:77::8000/112").network().str() == "fd77:77::/112");
  CHECK(Cidr::parse("10.0.0.0/8").is_network());
  CHECK_FALSE(Cidr::parse("10.0.0.1/8").is_network());

  const Cidr net = Cidr::parse("10.77.0.0/24");
  CHECK(net.contains(IpAddress::parse("10.77.0.255")));
  CHECK_FALSE(net.contains(IpAddress::parse("10.77.1.0")));
  CHECK_FALSE(net.contains(IpAddress::parse("::a4d:0")));
  CHECK(Cidr::parse("::/0").contains(IpAddress::parse("fd77::1")));
  CHECK_FALSE(Cidr::parse("::/0").contains(IpAddress::parse("10.0.0.1")));

  CHECK(net.overlaps(Cidr::parse("10.77.0.5/32")));
  CHECK(Cidr::parse("10.77.0.5/32").overlaps(net));
  CHECK(net.overlaps(Cidr::parse("10.0.0.0/8")));
  CHECK_FALSE(net.overlaps(Cidr::parse("10.77.1.0/24")));
  CHECK_FALSE(Cidr::parse("0.0.0.0/0").overlaps(Cidr::parse("::/0")));
}

TEST_CASE("ip: nth address", "[ip]") {
  CHECK(nth_address(Cidr::parse("10.77.0.0/24"), 1).str() == "10.77.0.1");
  CHECK(nth_address(Cidr::parse("10.77.0.9/24"), 0).str() == "10.77.0.0");
  CHECK(nth_address(Cidr::parse("10.77.0.0/16"), 258).str() == "10.77.1.2");
  CHECK(nth_address(Cidr::parse("10.77.0.0/24"), 255).str() == "10.77.0.255");
  CHECK_THROWS_AS(nth_address(Cidr::parse("10.77.0.0/24"), 256), Error);
  CHECK_THROWS_AS(nth_address(Cidr::parse("10.77.0.1/32"), 1), Error);
  CHECK(nth_address(Cidr::parse("fd77:77::/64"), 0x10002).str() == "fd77:77::1:2");
  CHECK(nth_address(Cidr::parse("fd77::/16"), ~std::uint64_t{0}).str() ==
        "fd77::ffff:ffff:ffff:ffff");
}
