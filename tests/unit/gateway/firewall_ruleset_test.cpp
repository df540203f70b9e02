#include <catch2/catch.hpp>

#include "firewall/nft_context.hpp"
#include "firewall/ruleset.hpp"

using namespace picket::gateway;

namespace {

FirewallConfig config() {
  FirewallConfig c;
  c.tunnel_interface = "picket0";
  c.uplink = "eth0";
  c.ipv4_subnet = Cidr::parse("10.77.0.0/24");
  c.ipv6_subnet = Cidr::parse("fd77:77::/64");
  c.gateway_ipv4 = IpAddress::parse("10.77.0.1");
  c.gateway_ipv6 = IpAddress::parse("fd77:77::1");
  c.admin_port = 8443;
  return c;
}

FirewallDevice device(int host, std::optional<std::vector<Cidr>> restricted = {},
                      std::uint32_t group = 0) {
  return FirewallDevice{IpAddress::parse("10.77.0." + std::to_string(host)),
                        IpAddress::parse("fd77:77::" + std::to_string(host)), std::move(restricted),
                        group};
}

}  // namespace

TEST_CASE("firewall ruleset: the full table, golden") {
  const auto text = ruleset::full(
      config(), "picket_picket0",
      {device(2), device(3, std::vector{Cidr::parse("192.0.2.0/24"), Cidr::parse("2001:db8::/32")}),
       device(4, {}, 7)});
  CHECK(text == R"(add table inet picket_picket0
delete table inet picket_picket0
table inet picket_picket0 {
  set restricted_v4 { type ipv4_addr; elements = { 10.77.0.3 }; }
  set restricted_v6 { type ipv6_addr; elements = { fd77:77::3 }; }
  set reach_v4 { type ipv4_addr . ipv4_addr; flags interval; elements = { 10.77.0.3 . 192.0.2.0/24 }; }
  set reach_v6 { type ipv6_addr . ipv6_addr; flags interval; elements = { fd77:77::3 . 2001:db8::/32 }; }
  set group_7_v4 { type ipv4_addr; elements = { 10.77.0.4 }; }
  set group_7_v6 { type ipv6_addr; elements = { fd77:77::4 }; }
  chain group_7 {
    ip daddr @group_7_v4 accept
    ip6 daddr @group_7_v6 accept
  }
  map group_v4 { type ipv4_addr : verdict; elements = { 10.77.0.4 : jump group_7 }; }
  map group_v6 { type ipv6_addr : verdict; elements = { fd77:77::4 : jump group_7 }; }
  chain off_tunnel {
    type filter hook prerouting priority raw; policy accept;
    iifname { "lo", "picket0" } accept
    ip saddr 10.77.0.0/24 drop
    ip6 saddr fd77:77::/64 drop
    ip daddr 10.77.0.1 drop
    ip6 daddr fd77:77::1 drop
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "picket0" jump tunnel_to_gateway
  }
  chain tunnel_to_gateway {
    ct state established,related accept
    ip daddr 10.77.0.1 udp dport 53 accept
    ip daddr 10.77.0.1 tcp dport { 53, 8443 } accept
    ip6 daddr fd77:77::1 udp dport 53 accept
    ip6 daddr fd77:77::1 tcp dport { 53, 8443 } accept
    ip daddr 10.77.0.1 icmp type echo-request accept
    ip6 daddr fd77:77::1 icmpv6 type echo-request accept
    drop
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "picket0" jump from_tunnel
    oifname "picket0" ct state established,related accept
    oifname "picket0" drop
  }
  chain from_tunnel {
    ip saddr @restricted_v4 ip saddr . ip daddr != @reach_v4 drop
    ip6 saddr @restricted_v6 ip6 saddr . ip6 daddr != @reach_v6 drop
    oifname "picket0" jump member_to_member
    oifname "eth0" accept
    drop
  }
  chain member_to_member {
    ip saddr vmap @group_v4
    ip6 saddr vmap @group_v6
    drop
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth0" ip saddr 10.77.0.0/24 masquerade
    oifname "eth0" ip6 saddr fd77:77::/64 masquerade
  }
}
)");
}

TEST_CASE("firewall ruleset: the rule count does not grow with devices") {
  std::vector<FirewallDevice> few{device(2)}, many;
  for (int i = 2; i < 200; ++i)
    many.push_back(device(i, std::vector{Cidr::parse("10.0.0.0/8")}, 3));
  auto rules = [](const std::string& text) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find("\n    ", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  auto cfg = config();
  // Same group count, same rules: only set elements differ.
  CHECK(rules(ruleset::full(cfg, "t", many)) ==
        rules(ruleset::full(cfg, "t", {device(2, std::vector<Cidr>{}, 3)})));
  CHECK(rules(ruleset::full(cfg, "t", few)) == rules(ruleset::full(cfg, "t", {})));
}

TEST_CASE("firewall ruleset: no uplink means no NAT and nothing forwarded out") {
  auto cfg = config();
  cfg.uplink.reset();
  const auto text = ruleset::full(cfg, "t", {});
  CHECK(text.find("masquerade") == std::string::npos);
  CHECK(text.find("postrouting") == std::string::npos);
  CHECK(text.find("oifname \"eth0\"") == std::string::npos);
}

TEST_CASE("firewall ruleset: member-to-member and routed IPv6 switches") {
  auto cfg = config();
  cfg.member_to_member = true;
  cfg.masquerade_ipv6 = false;
  cfg.admin_port = 0;
  const auto text = ruleset::full(cfg, "t", {});
  CHECK(text.find("    ip6 saddr vmap @group_v6\n    accept\n  }") != std::string::npos);
  CHECK(text.find("ip6 saddr fd77:77::/64 masquerade") == std::string::npos);
  CHECK(text.find("ip saddr 10.77.0.0/24 masquerade") != std::string::npos);
  CHECK(text.find("tcp dport 53 accept") != std::string::npos);
}

TEST_CASE("firewall ruleset: device add and remove touch elements only, golden") {
  const auto restricted =
      device(9, std::vector{Cidr::parse("198.51.100.7/24"), Cidr::parse("198.51.100.0/25")}, 5);
  CHECK(ruleset::add_device("t", restricted, true) == R"(table inet t {
  set group_5_v4 { type ipv4_addr; }
  set group_5_v6 { type ipv6_addr; }
  chain group_5 {
    ip daddr @group_5_v4 accept
    ip6 daddr @group_5_v6 accept
  }
}
add element inet t group_5_v4 { 10.77.0.9 }
add element inet t group_5_v6 { fd77:77::9 }
add element inet t group_v4 { 10.77.0.9 : jump group_5 }
add element inet t group_v6 { fd77:77::9 : jump group_5 }
add element inet t reach_v4 { 10.77.0.9 . 198.51.100.0/24 }
add element inet t restricted_v4 { 10.77.0.9 }
add element inet t restricted_v6 { fd77:77::9 }
)");
  CHECK(ruleset::remove_device("t", restricted) == R"(delete element inet t group_5_v4 { 10.77.0.9 }
delete element inet t group_5_v6 { fd77:77::9 }
delete element inet t group_v4 { 10.77.0.9 : jump group_5 }
delete element inet t group_v6 { fd77:77::9 : jump group_5 }
delete element inet t reach_v4 { 10.77.0.9 . 198.51.100.0/24 }
delete element inet t restricted_v4 { 10.77.0.9 }
delete element inet t restricted_v6 { fd77:77::9 }
)");
  // An unrestricted device in no group is in no set at all.
  CHECK(ruleset::add_device("t", device(2), false).empty());
}

TEST_CASE("firewall ruleset: minimal cover drops duplicates and nested prefixes") {
  const auto out = ruleset::minimal_cover({Cidr::parse("10.1.0.0/16"), Cidr::parse("10.0.0.0/8"),
                                           Cidr::parse("10.0.0.0/8"), Cidr::parse("192.0.2.9/24"),
                                           Cidr::parse("::/0"), Cidr::parse("2001:db8::/32")});
  REQUIRE(out.size() == 3);
  CHECK(out[0] == Cidr::parse("10.0.0.0/8"));
  CHECK(out[1] == Cidr::parse("192.0.2.0/24"));
  CHECK(out[2] == Cidr::parse("::/0"));
}

TEST_CASE("firewall: nftables error reports lose their echoed script lines") {
  const std::string report =
      "/dev/stdin:1:1-40: Error: Could not process rule: No such file or directory\n"
      "add element inet t reach_v4 { 10.77.0.9 . 198.51.100.0/24 }\n"
      "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n";
  const auto summary = nft_error_summary(report);
  CHECK(summary == "Could not process rule: No such file or directory");
  CHECK(summary.find("10.77") == std::string::npos);
}

TEST_CASE("firewall: configuration that cannot become a ruleset is refused") {
  auto cfg = config();
  cfg.uplink = "eth0\" accept #";
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("not a usable interface name"));
  cfg.uplink = "picket0";
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("cannot be the tunnel interface"));
  cfg.uplink = "averyveryverylongname";
  CHECK_THROWS(validate(cfg));
  cfg = config();
  cfg.gateway_ipv4 = IpAddress::parse("fd77:77::1");
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("must be IPv4"));
  CHECK(firewall_table_name("pg123") == "picket_pg123");
}
