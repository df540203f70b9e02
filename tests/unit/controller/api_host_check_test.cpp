// The Host header must name this server (DNS rebinding).
#include <catch2/catch.hpp>

#include "api/host_check.hpp"

using namespace picket::controller::api;

TEST_CASE("host: the host part of a Host header", "[api][host]") {
  CHECK(host_of("127.0.0.1:8080") == "127.0.0.1");
  CHECK(host_of("localhost") == "localhost");
  CHECK(host_of("VPN.Example.ORG.:443") == "vpn.example.org");
  CHECK(host_of("[::1]:8080") == "::1");
  CHECK(host_of("[fd77:77::1]") == "fd77:77::1");
  CHECK(host_of("vpn.example.org:51820") == "vpn.example.org");
  CHECK_FALSE(host_of(""));
  CHECK_FALSE(host_of("::1"));  // IPv6 without brackets
  CHECK_FALSE(host_of("[::1"));
  CHECK_FALSE(host_of("[::1]x"));
  CHECK_FALSE(host_of("a:b"));
  CHECK_FALSE(host_of("a b"));
  CHECK_FALSE(host_of("host:123456"));
  CHECK_FALSE(host_of("evil.example/x"));
}

TEST_CASE("host: only the configured names are allowed", "[api][host]") {
  const std::vector<std::string> names = {"localhost", "127.0.0.1", "::1", "10.77.0.1",
                                          "vpn.example.org"};
  CHECK(host_allowed("127.0.0.1:8080", names));
  CHECK(host_allowed("[::1]:8080", names));
  CHECK(host_allowed("10.77.0.1:8080", names));
  CHECK(host_allowed("Vpn.Example.Org:8443", names));
  CHECK(host_allowed("localhost:8080", names));
  CHECK_FALSE(host_allowed("rebind.evil.example:8080", names));
  CHECK_FALSE(host_allowed("127.0.0.1.evil.example", names));
  CHECK_FALSE(host_allowed("10.77.0.10:8080", names));
  CHECK_FALSE(host_allowed("", names));
}
