#include "picket/controller/validate.hpp"

#include <catch2/catch.hpp>

using picket::controller::check_ula_subnet;
using picket::controller::normalize_label;
using picket::controller::validate_endpoint;
using picket::controller::validate_note;

TEST_CASE("validate: labels", "[validate]") {
  REQUIRE(normalize_label("member label", "alice") == "alice");
  REQUIRE(normalize_label("member label", "Night-Shift-2") == "night-shift-2");
  REQUIRE(normalize_label("device label", "a") == "a");
  REQUIRE(normalize_label("device label", std::string(32, 'x')) == std::string(32, 'x'));

  REQUIRE_THROWS_WITH(normalize_label("member label", ""),
                      Catch::StartsWith("member label is empty"));
  REQUIRE_THROWS_WITH(normalize_label("member label", std::string(33, 'x')),
                      Catch::StartsWith("member label is 33 characters long") &&
                          Catch::Contains("1–32 characters"));
  REQUIRE_THROWS_WITH(normalize_label("device label", "-phone"), Catch::Contains("starts or ends"));
  REQUIRE_THROWS_WITH(normalize_label("device label", "phone-"), Catch::Contains("starts or ends"));
  REQUIRE_THROWS_WITH(normalize_label("device label", "my phone"), Catch::Contains("contains ' '"));
  REQUIRE_THROWS_WITH(normalize_label("device label", "my_phone"), Catch::Contains("contains '_'"));
  REQUIRE_THROWS_WITH(normalize_label("device label", "a.b"), Catch::Contains("contains '.'"));
}

TEST_CASE("validate: labels never echo control characters", "[validate]") {
  for (const std::string& bad : {std::string("ali\x1b[31mce"), std::string("a\nb"),
                                 std::string("a\0b", 3), std::string("a\x7f")}) {
    try {
      normalize_label("member label", bad);
      FAIL("accepted a control character");
    } catch (const std::invalid_argument& error) {
      const std::string message = error.what();
      REQUIRE_THAT(message, Catch::Contains("control character"));
      for (const char c : message) REQUIRE((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
    }
  }
}

TEST_CASE("validate: non-ASCII labels are refused with a reason", "[validate]") {
  REQUIRE_THROWS_WITH(
      normalize_label("member label", "jos\xc3\xa9"),
      Catch::Contains("non-ASCII") && Catch::Contains("DNS name") && !Catch::Contains("jos"));
  // A Cyrillic 'а' that looks like a Latin one.
  REQUIRE_THROWS_WITH(normalize_label("member label", "\xd0\xb0lice"),
                      Catch::Contains("non-ASCII"));
  REQUIRE_THROWS_WITH(normalize_label("member label", "\xff"), Catch::Contains("non-ASCII"));
}

TEST_CASE("validate: notes", "[validate]") {
  REQUIRE(validate_note("") == "");
  REQUIRE(validate_note("Schichtleitung, Halle 3 — ☎ später") ==
          "Schichtleitung, Halle 3 — ☎ später");
  REQUIRE(validate_note(std::string(256, 'n')).size() == 256);
  REQUIRE_THROWS_WITH(validate_note(std::string(257, 'n')), Catch::Contains("at most 256 bytes"));
  REQUIRE_THROWS_WITH(validate_note("two\nlines"), Catch::Contains("control character"));
  REQUIRE_THROWS_WITH(validate_note("tab\there"), Catch::Contains("control character"));
  REQUIRE_THROWS_WITH(validate_note("c1 \xc2\x85 control"), Catch::Contains("control character"));
  REQUIRE_THROWS_WITH(validate_note("bad \xff byte"), Catch::Contains("not valid UTF-8"));
  REQUIRE_THROWS_WITH(validate_note("overlong \xc0\xaf"), Catch::Contains("not valid UTF-8"));
  REQUIRE_THROWS_WITH(validate_note("surrogate \xed\xa0\x80"), Catch::Contains("not valid UTF-8"));
  REQUIRE_THROWS_WITH(validate_note("cut \xe2\x82"), Catch::Contains("not valid UTF-8"));
  REQUIRE_THROWS_WITH(validate_note("evil \xe2\x80\xae txt"), Catch::Contains("bidirectional"));
}

TEST_CASE("validate: endpoints", "[validate]") {
  REQUIRE(validate_endpoint("vpn.example.org:51820") == "vpn.example.org:51820");
  REQUIRE(validate_endpoint("VPN.Example.ORG:51820") == "vpn.example.org:51820");
  REQUIRE(validate_endpoint("gateway:1") == "gateway:1");
  REQUIRE(validate_endpoint("xn--bcher-kva.example:443") == "xn--bcher-kva.example:443");
  REQUIRE(validate_endpoint("203.0.113.7:51820") == "203.0.113.7:51820");
  REQUIRE(validate_endpoint("[2001:DB8::1]:65535") == "[2001:db8::1]:65535");
  REQUIRE(validate_endpoint("[2001:db8:0:0::1]:51820") == "[2001:db8::1]:51820");

  REQUIRE_THROWS_WITH(validate_endpoint(""), Catch::Contains("empty"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org"), Catch::Contains("no port"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org:"), Catch::Contains("1 to 65535"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org:0"), Catch::Contains("1 to 65535"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org:65536"), Catch::Contains("1 to 65535"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org:+80"), Catch::Contains("1 to 65535"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org:80x"), Catch::Contains("1 to 65535"));
  REQUIRE_THROWS_WITH(validate_endpoint(":51820"), Catch::Contains("no host"));
  REQUIRE_THROWS_WITH(validate_endpoint("2001:db8::1:51820"), Catch::Contains("brackets"));
  REQUIRE_THROWS_WITH(validate_endpoint("[2001:db8::1]51820"), Catch::Contains("no port"));
  REQUIRE_THROWS_WITH(validate_endpoint("[2001:db8::1:51820"), Catch::Contains("without closing"));
  REQUIRE_THROWS_WITH(validate_endpoint("[203.0.113.7]:51820"), Catch::Contains("IPv6"));
  REQUIRE_THROWS_WITH(validate_endpoint("203.0.113.256:51820"),
                      Catch::Contains("not a valid IPv4"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn..example.org:1"), Catch::Contains("empty label"));
  REQUIRE_THROWS_WITH(validate_endpoint("-vpn.example.org:1"), Catch::Contains("'-'"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn_1.example.org:1"), Catch::Contains("not a host name"));
  REQUIRE_THROWS_WITH(validate_endpoint(std::string(64, 'a') + ".org:1"),
                      Catch::Contains("longer than 63"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn.example.org :1"), Catch::Contains("space"));
  REQUIRE_THROWS_WITH(validate_endpoint("b\xc3\xbc"
                                        "cher.example:1"),
                      Catch::Contains("non-ASCII") && Catch::Contains("xn--"));
  REQUIRE_THROWS_WITH(validate_endpoint("vpn\x1b.example:1"), !Catch::Contains("\x1b"));
}

TEST_CASE("validate: endpoints no phone can dial are refused with the reason", "[validate]") {
  for (const char* endpoint :
       {"localhost:51820", "LocalHost:51820", "vpn.localhost:51820", "127.0.0.1:51820",
        "127.1.2.3:51820", "[::1]:51820", "[::ffff:127.0.0.1]:51820"}) {
    INFO(endpoint);
    REQUIRE_THROWS_WITH(validate_endpoint(endpoint),
                        (Catch::Contains("loopback") || Catch::Contains("localhost")) &&
                            Catch::Contains("phone") && Catch::Contains("vpn.example.org"));
  }
  for (const char* endpoint : {"0.0.0.0:51820", "0.1.2.3:51820", "[::]:51820"}) {
    INFO(endpoint);
    REQUIRE_THROWS_WITH(validate_endpoint(endpoint), Catch::Contains("unspecified"));
  }
  // Near misses stay valid.
  REQUIRE(validate_endpoint("localhost.example.org:1") == "localhost.example.org:1");
  REQUIRE(validate_endpoint("128.0.0.1:1") == "128.0.0.1:1");
  REQUIRE(validate_endpoint("[::2]:1") == "[::2]:1");
}

TEST_CASE("validate: the tunnel IPv6 subnet must be unique local", "[validate]") {
  using picket::gateway::Cidr;
  REQUIRE_NOTHROW(check_ula_subnet(Cidr::parse("fd77:77::/64")));
  REQUIRE_NOTHROW(check_ula_subnet(Cidr::parse("fc00:1::/64")));
  REQUIRE_THROWS_WITH(check_ula_subnet(Cidr::parse("2001:db8::/64")),
                      Catch::Contains("2001:db8::/64") && Catch::Contains("fc00::/7"));
  REQUIRE_THROWS_AS(check_ula_subnet(Cidr::parse("fe80::/64")), std::invalid_argument);
}
