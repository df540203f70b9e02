#include <catch2/catch.hpp>
#include <sstream>

#include "picket/controller/render.hpp"
#include "render_fixture.hpp"

using picket::controller::render_client_config;
using picket::controller::test::design_config;
using picket::controller::test::largest_config;

TEST_CASE("client config: DESIGN.md's example, byte for byte", "[render]") {
  REQUIRE(render_client_config(design_config()) ==
          "[Interface]\n"
          "PrivateKey = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n"
          "Address = 10.77.0.2/32, fd77:77::2/128\n"
          "DNS = 10.77.0.1, fd77:77::1\n"
          "\n"
          "[Peer]\n"
          "PublicKey = QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=\n"
          "PresharedKey = gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8=\n"
          "Endpoint = vpn.example.org:51820\n"
          "AllowedIPs = 0.0.0.0/0, ::/0\n"
          "PersistentKeepalive = 25\n");
}

TEST_CASE("client config: MTU appears only when set, keepalive only when on", "[render]") {
  auto config = design_config();
  config.mtu = 1280;
  config.keepalive = 0;
  const auto text = render_client_config(config);
  REQUIRE_THAT(text, Catch::Contains("DNS = 10.77.0.1, fd77:77::1\nMTU = 1280\n\n[Peer]\n"));
  REQUIRE_THAT(text, Catch::EndsWith("AllowedIPs = 0.0.0.0/0, ::/0\n"));
  REQUIRE_THAT(text, !Catch::Contains("PersistentKeepalive"));
}

TEST_CASE("client config: split tunnel, no DNS, no PSK", "[render]") {
  auto config = design_config();
  config.dns.clear();
  config.preshared_key = {};
  config.endpoint = "[2001:db8::1]:51820";
  config.allowed_ips = {picket::gateway::Cidr::parse("10.77.0.0/24"),
                        picket::gateway::Cidr::parse("fd77:77::/64")};
  REQUIRE(render_client_config(config) ==
          "[Interface]\n"
          "PrivateKey = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n"
          "Address = 10.77.0.2/32, fd77:77::2/128\n"
          "\n"
          "[Peer]\n"
          "PublicKey = QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=\n"
          "Endpoint = [2001:db8::1]:51820\n"
          "AllowedIPs = 10.77.0.0/24, fd77:77::/64\n"
          "PersistentKeepalive = 25\n");
}

TEST_CASE("client config: only keys every official app accepts", "[render]") {
  const auto text = render_client_config(largest_config());
  REQUIRE(text.rfind("[Interface]\n", 0) == 0);  // no byte order mark
  REQUIRE(text.find('\r') == std::string::npos);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '[') continue;
    const auto key = line.substr(0, line.find(" = "));
    INFO(line);
    REQUIRE_THAT(key, Catch::Matches("PrivateKey|Address|DNS|MTU|PublicKey|PresharedKey|Endpoint|"
                                     "AllowedIPs|PersistentKeepalive"));
  }
}

namespace {
using picket::gateway::Cidr;
using picket::gateway::IpAddress;
std::vector<Cidr> cidrs(std::initializer_list<const char*> texts) {
  std::vector<Cidr> out;
  for (const char* text : texts) out.push_back(Cidr::parse(text));
  return out;
}
}  // namespace

TEST_CASE("client config: a split tunnel routes the DNS servers it names", "[render]") {
  using picket::controller::client_routes;
  const std::vector<IpAddress> dns{IpAddress::parse("10.77.0.1"), IpAddress::parse("fd77:77::1")};
  // Full tunnel: both covered, nothing added.
  CHECK(client_routes(cidrs({"0.0.0.0/0", "::/0"}), dns) == cidrs({"0.0.0.0/0", "::/0"}));
  // IPv4 only: 10.0.0.0/8 covers the IPv4 server, the IPv6 one gets its /128.
  CHECK(client_routes(cidrs({"10.0.0.0/8", "192.168.5.0/24"}), dns) ==
        cidrs({"10.0.0.0/8", "192.168.5.0/24", "fd77:77::1/128"}));
  CHECK(client_routes(cidrs({"192.168.5.0/24"}), dns) ==
        cidrs({"192.168.5.0/24", "10.77.0.1/32", "fd77:77::1/128"}));
  // IPv6 only.
  CHECK(client_routes(cidrs({"2001:db8::/32", "fd00::/8"}), dns) ==
        cidrs({"2001:db8::/32", "fd00::/8", "10.77.0.1/32"}));
  // Repeats are written once; no DNS, no routes added.
  CHECK(client_routes(cidrs({"10.0.0.0/8", "fd00::/8", "10.0.0.0/8"}), {}) ==
        cidrs({"10.0.0.0/8", "fd00::/8"}));
  // A server named twice is routed once.
  CHECK(client_routes(cidrs({"192.0.2.0/24"}), {dns[0], dns[0]}) ==
        cidrs({"192.0.2.0/24", "10.77.0.1/32"}));

  auto config = design_config();
  config.allowed_ips = cidrs({"192.168.5.0/24", "192.168.5.0/24"});
  CHECK_THAT(render_client_config(config),
             Catch::Contains("\nAllowedIPs = 192.168.5.0/24, 10.77.0.1/32, fd77:77::1/128\n"));
}
