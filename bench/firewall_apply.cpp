// Gateway firewall at 10,000 devices: Picket's table (sets keyed by tunnel
// address, one libnftables transaction) against the common approach, a
// ruleset with one rule per device rewritten with the `nft` command on every
// change. Needs root; run inside a throw-away namespace (firewall_apply.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "picket/gateway/firewall.hpp"

using namespace picket::gateway;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kDevices = 10000;

FirewallDevice device(int i) {
  const auto host = static_cast<std::uint64_t>(i + 2);
  FirewallDevice d{nth_address(Cidr::parse("10.77.0.0/16"), host),
                   nth_address(Cidr::parse("fd77:77::/64"), host), std::nullopt, 0};
  // A realistic mix: every tenth device restricted, every fifth in a group of 50.
  if (i % 10 == 0)
    d.restricted_to = std::vector{Cidr::parse("192.0.2.0/24"), Cidr::parse("2001:db8::/32")};
  if (i % 5 == 0) d.group = static_cast<std::uint32_t>(1 + i / 250);
  return d;
}

double median_ms(int runs, const std::function<void()>& body) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// The per-device ruleset: a rule per device for isolation, restriction and
// groups, as hand-written or generated iptables/nft setups do it.
std::string per_device_ruleset(int devices) {
  std::string out =
      "add table inet perdevice\ndelete table inet perdevice\ntable inet perdevice {\n";
  out += "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  for (int i = 0; i < devices; ++i) {
    const auto d = device(i);
    const auto v4 = d.ipv4.str();
    if (d.restricted_to)
      out += "    iifname \"wg0\" ip saddr " + v4 + " ip daddr != 192.0.2.0/24 drop\n";
    if (d.group != 0)
      out +=
          "    iifname \"wg0\" oifname \"wg0\" ip saddr " + v4 + " ip daddr 10.77.0.0/16 accept\n";
    out += "    iifname \"wg0\" oifname \"wg0\" ip saddr " + v4 + " drop\n";
  }
  out += "  }\n}\n";
  return out;
}

void nft_file(const std::string& path) {
  if (std::system(("nft -f " + path).c_str()) != 0) {
    std::fprintf(stderr, "nft -f failed\n");
    std::exit(1);
  }
}

}  // namespace

int main() {
  FirewallConfig config;
  config.tunnel_interface = "wg0";
  config.uplink = "lo";
  config.ipv4_subnet = Cidr::parse("10.77.0.0/16");
  config.ipv6_subnet = Cidr::parse("fd77:77::/64");
  config.gateway_ipv4 = IpAddress::parse("10.77.0.1");
  config.gateway_ipv6 = IpAddress::parse("fd77:77::1");
  config.admin_port = 8080;

  std::vector<FirewallDevice> all;
  for (int i = 0; i < kDevices; ++i) all.push_back(device(i));
  // The changed device is restricted and in an existing group: every kind
  // of set element changes.
  auto extra = device(kDevices);
  extra.group = 40;

  Firewall firewall(config);
  const double picket_full = median_ms(5, [&] { firewall.replace(all); });
  const double picket_add = median_ms(51,
                                      [&] {
                                        firewall.add(extra);
                                        firewall.remove(extra);
                                      }) /
                            2;

  const std::string before = "/tmp/picket-bench-perdevice.nft";
  const std::string after = "/tmp/picket-bench-perdevice-1.nft";
  std::ofstream(before) << per_device_ruleset(kDevices);
  std::ofstream(after) << per_device_ruleset(kDevices + 1);
  const double nft_full = median_ms(5, [&] { nft_file(before); });
  // A change means regenerating and reloading the whole ruleset.
  const double nft_change = median_ms(5, [&] { nft_file(after); });
  std::system("nft delete table inet perdevice");
  firewall.remove_table();
  std::remove(before.c_str());
  std::remove(after.c_str());

  std::printf("gateway firewall, %d devices (10%% restricted, 20%% in groups of 50)\n", kDevices);
  std::printf(
      "  full apply:    picket (libnftables, sets) %8.1f ms   nft -f, rule per device %8.1f ms   "
      "ratio %.1fx\n",
      picket_full, nft_full, nft_full / picket_full);
  std::printf(
      "  one device:    picket (set elements)      %8.2f ms   nft -f, whole ruleset   %8.1f ms   "
      "ratio %.0fx\n",
      picket_add, nft_change, nft_change / picket_add);
  return 0;
}
