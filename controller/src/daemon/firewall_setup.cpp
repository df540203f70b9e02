#include "daemon/firewall_setup.hpp"

#include <stdexcept>

#include "api/firewall_routes.hpp"
#include "daemon/log.hpp"
#include "picket/gateway/error.hpp"

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

gateway::FirewallConfig config_of(const Settings& settings,
                                  const std::optional<std::string>& uplink,
                                  const FirewallOptions& options) {
  gateway::FirewallConfig config;
  config.tunnel_interface = settings.interface_name;
  config.uplink = uplink;
  config.ipv4_subnet = settings.ipv4_subnet;
  config.ipv6_subnet = settings.ipv6_subnet;
  // Host 1 of each subnet is the gateway's own tunnel address.
  config.gateway_ipv4 = gateway::nth_address(settings.ipv4_subnet, 1);
  config.gateway_ipv6 = gateway::nth_address(settings.ipv6_subnet, 1);
  config.admin_port = options.admin_port;
  config.masquerade_ipv6 = !options.ipv6_routed;
  return config;
}

}  // namespace

FirewallRuntime::FirewallRuntime(const FirewallOptions& options, Store& store, Service& service) {
  if (!options.enabled) {
    log_info("firewall: off (--no-firewall); members are not isolated by picketd");
    return;
  }
  try {
    const auto uplink = find_uplink(options.uplink);
    firewall_ = std::make_unique<gateway::Firewall>(config_of(service.settings(), uplink, options));
    policy_ = std::make_unique<FirewallPolicy>(store, *firewall_, [this, &service] {
      auto config = config_of(service.settings(), firewall_->config().uplink, {});
      config.admin_port = firewall_->config().admin_port;
      config.masquerade_ipv6 = firewall_->config().masquerade_ipv6;
      return config;
    });
    if (options.forwarding) forwarding_.emplace(uplink);
    service.add_listener(*policy_);
    log_info("firewall: table inet " + firewall_->table() + ", " +
             (uplink ? "NAT out of uplink " + *uplink
                     : std::string("no uplink (no default route or --uplink none): no NAT, "
                                   "members reach the gateway only")) +
             ", forwarding " + (forwarding_ ? "on" : "left as it was"));
  } catch (const gateway::Error& e) {
    throw std::runtime_error(std::string("the gateway firewall cannot start: ") + e.what());
  }
}

FirewallRuntime::~FirewallRuntime() {
  if (!firewall_) return;
  if (!peers_down_) {
    // SIGKILL keeps the table too; the next start replaces it.
    log_error("firewall: table inet " + firewall_->table() +
              " kept, because peers may still be on the interface; `picket wipe` removes both");
    return;
  }
  try {
    firewall_->remove_table();
    log_info("firewall: table inet " + firewall_->table() + " removed");
  } catch (const std::exception& e) {
    log_error(std::string("firewall: removing the table failed: ") + e.what());
  }
}

ApiResponse FirewallRuntime::handle(const ApiRequest& request,
                                    const std::function<ApiResponse(const ApiRequest&)>& next) {
  if (policy_) {
    if (auto response = api::handle_firewall_request(*policy_, request, next)) return *response;
  }
  return next(request);
}

}  // namespace picket::controller
