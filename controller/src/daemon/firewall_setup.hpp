#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "daemon/firewall_options.hpp"
#include "picket/controller/api.hpp"
#include "picket/controller/firewall_policy.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/firewall.hpp"
#include "picket/gateway/firewall_host.hpp"

namespace picket::controller {

// The gateway firewall for the daemon's lifetime: finds the uplink, turns
// forwarding on, and follows the active devices through Service. Construct
// before Service::start() (which creates the table, replacing a stale one).
// Destruction puts back the sysctls it changed and removes the table only
// once peers_are_down() said the interface has no peer left: a table
// removed under live peers would let them reach every port of the host and,
// with forwarding on, each other (fail closed, DESIGN principle 10). With
// the firewall disabled it does nothing and passes API calls through.
class FirewallRuntime {
 public:
  // Throws std::runtime_error with a clear message (unknown uplink, a
  // sysctl that cannot be written) before anything is changed.
  FirewallRuntime(const FirewallOptions& options, Store& store, Service& service);
  ~FirewallRuntime();
  FirewallRuntime(const FirewallRuntime&) = delete;
  FirewallRuntime& operator=(const FirewallRuntime&) = delete;

  // Removes the table now (the panic wipe, after its peers are gone); the
  // destructor then finds none.
  void remove_table_now() {
    if (firewall_) firewall_->remove_table();
  }

  // After a device's access or member isolation changed (nothing happens
  // with the firewall off: neither can change then).
  void on_access_change(std::function<void()> observer) {
    if (policy_) policy_->on_change(std::move(observer));
  }

  // The interface is gone with all its peers: the table may go too.
  void peers_are_down() { peers_down_ = true; }

  // The firewall's API routes in front of `next`.
  ApiResponse handle(const ApiRequest& request,
                     const std::function<ApiResponse(const ApiRequest&)>& next);

 private:
  std::unique_ptr<gateway::Firewall> firewall_;
  std::unique_ptr<FirewallPolicy> policy_;
  std::optional<gateway::ForwardingGuard> forwarding_;
  bool peers_down_ = false;
};

}  // namespace picket::controller
