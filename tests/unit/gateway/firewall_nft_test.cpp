// The firewall against the real nftables of a throw-away network namespace
// (tagged [root]; run through tests/integration/netns_run.sh).
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "picket/gateway/error.hpp"
#include "picket/gateway/firewall.hpp"
#include "shell.hpp"

using namespace picket::gateway;
using picket::gateway::test::shell;

namespace {

FirewallConfig config() {
  FirewallConfig c;
  c.tunnel_interface = "fwtest0";
  c.uplink = "lo";
  c.ipv4_subnet = Cidr::parse("10.77.0.0/24");
  c.ipv6_subnet = Cidr::parse("fd77:77::/64");
  c.gateway_ipv4 = IpAddress::parse("10.77.0.1");
  c.gateway_ipv6 = IpAddress::parse("fd77:77::1");
  return c;
}

FirewallDevice device(int host, std::optional<std::vector<Cidr>> restricted = {},
                      std::uint32_t group = 0) {
  return FirewallDevice{IpAddress::parse("10.77.0." + std::to_string(host)),
                        IpAddress::parse("fd77:77::" + std::to_string(host)), std::move(restricted),
                        group};
}

std::string set_of(const std::string& set) {
  return shell("nft list set inet picket_fwtest0 " + set);
}

}  // namespace

TEST_CASE("firewall: replace, incremental changes and removal on real nftables", "[root]") {
  shell("nft delete table inet picket_fwtest0");
  shell(
      "nft add table inet unrelated && nft add chain inet unrelated c && "
      "nft add rule inet unrelated c ip daddr 192.0.2.1 drop");
  const auto unrelated = shell("nft list table inet unrelated");

  Firewall firewall(config());
  // A stale table from an earlier run, with a chain Picket no longer makes.
  shell("nft add table inet picket_fwtest0 && nft add chain inet picket_fwtest0 stale");
  firewall.replace({device(2), device(3, std::vector{Cidr::parse("192.0.2.0/24")}, 4)});
  auto table = shell("nft list table inet picket_fwtest0");
  CHECK(table.find("stale") == std::string::npos);
  CHECK(table.find("10.77.0.3 . 192.0.2.0/24") != std::string::npos);
  CHECK(table.find("masquerade") != std::string::npos);
  CHECK(firewall.device_count() == 2);

  SECTION("devices come and go as set elements") {
    firewall.add(device(5, std::vector<Cidr>{}, 9));
    CHECK(set_of("restricted_v4").find("10.77.0.5") != std::string::npos);
    CHECK(shell("nft list chain inet picket_fwtest0 group_9").find("@group_9_v4") !=
          std::string::npos);
    firewall.remove(device(3));
    CHECK(set_of("restricted_v4").find("10.77.0.3") == std::string::npos);
    CHECK(set_of("reach_v4").find("192.0.2.0") == std::string::npos);
    CHECK(set_of("group_4_v4").find("10.77.0.3") == std::string::npos);
    // Changing a device in place swaps its elements in one transaction.
    firewall.add(device(5, std::vector{Cidr::parse("198.51.100.0/24")}, 9));
    CHECK(set_of("reach_v4").find("10.77.0.5 . 198.51.100.0/24") != std::string::npos);
    firewall.remove(device(42));  // unknown: nothing to do
    CHECK(firewall.device_count() == 2);
  }

  SECTION("a change the kernel refuses changes nothing") {
    const auto before = shell("nft list table inet picket_fwtest0");
    // Someone else put the address in the group map with another verdict:
    // the kernel refuses our element ("File exists").
    shell("nft add element inet picket_fwtest0 group_v4 '{ 10.77.0.6 : drop }'");
    const auto damaged = shell("nft list table inet picket_fwtest0");
    CHECK_THROWS_WITH(firewall.add(device(6, std::vector{Cidr::parse("203.0.113.0/24")}, 4)),
                      Catch::Contains("previous ruleset stays in force") &&
                          Catch::Contains("File exists") && !Catch::Contains("10.77.0.6"));
    // The elements before the refused one in the same batch are not there
    // either: the batch was one transaction.
    CHECK(shell("nft list table inet picket_fwtest0") == damaged);
    CHECK(firewall.device_count() == 2);
    // A full replace repairs it.
    firewall.replace({device(2), device(3, std::vector{Cidr::parse("192.0.2.0/24")}, 4)});
    CHECK(shell("nft list table inet picket_fwtest0") == before);
  }

  SECTION("member-to-member is a gateway-wide switch") {
    auto open = config();
    open.member_to_member = true;
    firewall.replace(open, {device(2)});
    CHECK(shell("nft list chain inet picket_fwtest0 member_to_member").find("accept") !=
          std::string::npos);
    CHECK(firewall.config().member_to_member);
    auto bad = open;
    bad.uplink = "no such if";
    CHECK_THROWS(firewall.replace(bad, {}));
    CHECK(firewall.config() == open);
  }

  firewall.remove_table();
  CHECK_FALSE(firewall.table_exists());
  CHECK(shell("nft list table inet unrelated") == unrelated);
  firewall.remove_table();  // twice is harmless
  shell("nft delete table inet unrelated");
}
