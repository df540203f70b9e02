#include "picket/gateway/agent/node_setup.hpp"

#include <optional>

#include "picket/gateway/dns/resolver.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/firewall_host.hpp"
#include "picket/gateway/plan.hpp"

namespace picket::gateway::agent {

namespace {

struct TunnelAddresses {
  Cidr ipv4;
  Cidr ipv6;
};

// The gateway's own address in each family, as the controller gave the link.
std::optional<TunnelAddresses> tunnel_addresses(const LinkSettings& link) {
  std::optional<Cidr> v4, v6;
  for (const Cidr& address : link.addresses) {
    if (address.address.is_v4() && !v4) v4 = address;
    if (!address.address.is_v4() && !v6) v6 = address;
  }
  if (!v4 || !v6) return std::nullopt;
  return TunnelAddresses{*v4, *v6};
}

std::optional<std::string> find_uplink(const std::string& choice) {
  if (choice == "none") return std::nullopt;
  if (choice != "auto") {
    check_interface_exists(choice);
    return choice;
  }
  return default_route_interface();
}

}  // namespace

NodeFactory host_node_factory(NodeSetup setup, channel::LogFn info) {
  return [setup = std::move(setup), info = std::move(info)](const LinkSettings& link) {
    const auto addresses = tunnel_addresses(link);
    if (!addresses && (setup.firewall || setup.dns))
      throw Error(
          "the controller gave the interface no IPv4 and IPv6 address; the firewall and the "
          "resolver need both (check the controller's subnets, or run with --no-firewall "
          "--no-dns)");
    NodeOptions node;
    node.backend = select_backend(setup.backend, setup.interface_name);
    std::optional<std::string> uplink;
    if (setup.firewall) {
      try {
        uplink = find_uplink(setup.uplink);
      } catch (const Error& e) {
        throw Error(std::string("the gateway firewall cannot start: ") + e.what());
      }
      FirewallConfig config;
      config.tunnel_interface = setup.interface_name;
      config.uplink = uplink;
      config.ipv4_subnet = addresses->ipv4.network();
      config.ipv6_subnet = addresses->ipv6.network();
      config.gateway_ipv4 = addresses->ipv4.address;
      config.gateway_ipv6 = addresses->ipv6.address;
      config.admin_port = 0;  // the admin API lives on the controller, not here
      config.masquerade_ipv6 = !setup.ipv6_routed;
      node.firewall = config;
      if (setup.forwarding) node.forwarding = uplink;
    }
    if (setup.dns) {
      dns::ResolverConfig resolver;
      resolver.listen = {addresses->ipv4.address, addresses->ipv6.address};
      resolver.port = setup.dns_port;
      resolver.allowed_sources = {addresses->ipv4.network(), addresses->ipv6.network()};
      // The upstream arrives with the state, right after the node is made.
      resolver.upstream.mode = dns::UpstreamConfig::Mode::none;
      node.resolver = dns::make_resolver(std::move(resolver));
    }
    auto made = std::make_unique<GatewayNode>(std::move(node));
    if (info) {
      info("using the " + std::string(made->backend_kind()) + " WireGuard backend on interface " +
           made->interface_name());
      if (!setup.firewall)
        info("firewall: off (--no-firewall); members are not isolated by this gateway");
      else
        info("firewall: table inet " + *made->firewall_table() + ", " +
             (uplink ? "NAT out of uplink " + *uplink
                     : std::string("no uplink (no default route or --uplink none): no NAT, "
                                   "members reach the gateway only")) +
             ", forwarding " + (setup.forwarding ? "on" : "left as it was"));
      info(setup.dns ? "DNS resolver: on the gateway's tunnel addresses, port " +
                           std::to_string(setup.dns_port)
                     : std::string("DNS resolver: off (--no-dns)"));
    }
    return made;
  };
}

void remove_leftover_interface(const NodeSetup& setup, const channel::LogFn& info) {
  auto backend = select_backend(setup.backend, setup.interface_name);
  if (!backend->interface_exists()) return;
  try {
    DeviceChange none;
    none.replace_peers = true;
    backend->apply(none);
    backend->remove_interface();
  } catch (const std::exception&) {
    // A wireguard-go that died with the last run takes its interface along.
    if (backend->interface_exists()) throw;
  }
  if (info)
    info("removed interface " + setup.interface_name +
         " and its peers, left by a run that did not stop cleanly; the controller sends them "
         "again");
}

}  // namespace picket::gateway::agent
