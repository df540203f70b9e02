#include "daemon/firewall_options.hpp"

#include <CLI/CLI.hpp>

namespace picket::controller {

void add_firewall_flags(CLI::App& app, FirewallOptions& options) {
  const auto* group = "Gateway firewall (nftables table inet picket_<interface>)";
  app.add_flag("--firewall,!--no-firewall", options.enabled,
               "manage forwarding, NAT and member isolation with nftables")
      ->group(group);
  app.add_option("--uplink", options.uplink,
                 "interface members' traffic leaves by: auto (the default route's), none (no NAT, "
                 "members reach only the gateway), or a name")
      ->group(group)
      ->capture_default_str();
  app.add_flag("--forwarding,!--no-forwarding", options.forwarding,
               "turn IPv4/IPv6 forwarding on while running (put back on a clean stop)")
      ->group(group);
  app.add_flag("--ipv6-routed", options.ipv6_routed,
               "the IPv6 subnet is routed to this host: no NAT66 for it")
      ->group(group);
}

}  // namespace picket::controller
