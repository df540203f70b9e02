#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "api/gateway_hooks.hpp"
#include "daemon/gateway_fleet.hpp"
#include "daemon/options.hpp"
#include "picket/controller/store.hpp"

namespace picket::controller {

// picketd --role controller: the fleet of gateway hosts, with its channel
// key and enrolled gateways kept in the store (sealed with it in locked
// mode), and the gateway routes' view of it. The store is only touched on
// the io_context's thread (picketd's API thread): a gateway that enrols on
// the channel's thread is recorded there by a posted call.
class ControllerRole {
 public:
  // Throws when the channel cannot listen.
  ControllerRole(const ControllerRoleOptions& options, boost::asio::io_context& io, Store& store);
  ~ControllerRole() { *alive_ = false; }
  ControllerRole(const ControllerRole&) = delete;
  ControllerRole& operator=(const ControllerRole&) = delete;

  GatewayFleet& fleet() { return *fleet_; }
  api::GatewayHooks* hooks() { return &hooks_; }

 private:
  std::string dial_host(Store& store) const;

  ControllerRoleOptions options_;
  // Cleared when the role goes, so that an enrolment posted late finds it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<GatewayFleet> fleet_;
  api::GatewayHooks hooks_;
};

}  // namespace picket::controller
