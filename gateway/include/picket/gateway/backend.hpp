#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/device.hpp"
#include "picket/gateway/plan.hpp"

namespace picket::gateway {

// One WireGuard interface, programmed through the kernel (netlink), through
// wireguard-go's UAPI socket, or in memory. Every call throws Error on
// failure. Calling a setter twice with the same value is harmless.
class WireGuardBackend {
 public:
  virtual ~WireGuardBackend() = default;

  virtual std::string_view kind() const noexcept = 0;  // "kernel", "userspace", "fake"
  virtual const std::string& interface_name() const noexcept = 0;

  // Creates the interface if it does not exist or adopts the existing one,
  // then sets MTU and addresses (adding missing, removing others) and brings
  // it up.
  virtual void ensure_interface(const LinkSettings& link) = 0;
  virtual bool interface_exists() = 0;
  virtual void remove_interface() = 0;

  // Full read: configuration and live counters of every peer. Expensive on
  // large interfaces; callers read sparingly.
  virtual DeviceSnapshot read() = 0;
  // Applies the change; returns only once WireGuard has accepted it.
  virtual void apply(const DeviceChange& change) = 0;
};

}  // namespace picket::gateway
