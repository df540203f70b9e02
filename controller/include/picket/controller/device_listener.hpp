#pragma once

#include <string>
#include <vector>

#include "picket/controller/model.hpp"

namespace picket::controller {

struct ActiveDevice {
  Device device;
  std::string member_label;
};

// Something that follows the set of active devices alongside the WireGuard
// interface: the firewall's per-device sets, the resolver's local zone.
// Service calls it in the same call that changes the peer, before the
// database commits. When activated() throws, the peer is taken off again and
// the database rolls back; deactivated() runs after the peer is gone (cutting
// a device off never waits for anything else) and its failure is reported
// but does not bring the peer back. sync() receives every active device at
// start and at each drift repair.
class DeviceListener {
 public:
  virtual ~DeviceListener() = default;
  virtual void sync(const std::vector<ActiveDevice>& active) = 0;
  virtual void activated(const ActiveDevice& device) = 0;
  virtual void deactivated(const ActiveDevice& device) = 0;
};

}  // namespace picket::controller
