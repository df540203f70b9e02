#include "daemon/gateway_setup.hpp"

#include <stdexcept>

#include "common/log.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/firewall_host.hpp"

namespace picket::controller {

namespace {

std::optional<std::string> find_uplink(const std::string& choice) {
  if (choice == "none") return std::nullopt;
  if (choice != "auto") {
    gateway::check_interface_exists(choice);
    return choice;
  }
  return gateway::default_route_interface();
}

gateway::FirewallConfig firewall_config(const Settings& settings,
                                        const std::optional<std::string>& uplink,
                                        const DaemonOptions& options) {
  gateway::FirewallConfig config;
  config.tunnel_interface = settings.interface_name;
  config.uplink = uplink;
  config.ipv4_subnet = settings.ipv4_subnet;
  config.ipv6_subnet = settings.ipv6_subnet;
  // Host 1 of each subnet is the gateway's own tunnel address.
  config.gateway_ipv4 = gateway::nth_address(settings.ipv4_subnet, 1);
  config.gateway_ipv6 = gateway::nth_address(settings.ipv6_subnet, 1);
  config.admin_port = options.api_port;  // the API on the tunnel address
  config.masquerade_ipv6 = !options.firewall.ipv6_routed;
  return config;
}

gateway::dns::ResolverConfig resolver_config(const Settings& settings, const DnsOptions& options) {
  gateway::dns::ResolverConfig config;
  config.listen = {gateway::nth_address(settings.ipv4_subnet, 1),
                   gateway::nth_address(settings.ipv6_subnet, 1)};
  config.port = options.port;
  config.allowed_sources = {settings.ipv4_subnet, settings.ipv6_subnet};
  // The stored upstream arrives with the first GatewayState.
  config.upstream.mode = gateway::dns::UpstreamConfig::Mode::none;
  config.packet_cache_bytes = options.cache_mb << 20;
  config.rate_limit_per_source = options.rate_limit;
  return config;
}

}  // namespace

gateway::BackendChoice backend_choice(const DaemonOptions& options) {
  return gateway::BackendChoice{options.backend, options.wireguard_go,
                                options.wireguard_socket_dir};
}

std::unique_ptr<gateway::GatewayNode> make_gateway_node(const DaemonOptions& options,
                                                        const Settings& settings) {
  gateway::NodeOptions node;
  node.backend = gateway::select_backend(backend_choice(options), settings.interface_name);
  std::optional<std::string> uplink;
  if (options.firewall.enabled) {
    try {
      uplink = find_uplink(options.firewall.uplink);
      node.firewall = firewall_config(settings, uplink, options);
      if (options.firewall.forwarding) node.forwarding = uplink;
    } catch (const gateway::Error& e) {
      throw std::runtime_error(std::string("the gateway firewall cannot start: ") + e.what());
    }
  }
  if (options.dns.enabled)
    node.resolver = gateway::dns::make_resolver(resolver_config(settings, options.dns));
  auto made = std::make_unique<gateway::GatewayNode>(std::move(node));
  if (!options.firewall.enabled) {
    log_info("firewall: off (--no-firewall); members are not isolated by picketd");
  } else {
    log_info("firewall: table inet " + *made->firewall_table() + ", " +
             (uplink ? "NAT out of uplink " + *uplink
                     : std::string("no uplink (no default route or --uplink none): no NAT, "
                                   "members reach the gateway only")) +
             ", forwarding " + (options.firewall.forwarding ? "on" : "left as it was"));
  }
  return made;
}

}  // namespace picket::controller
