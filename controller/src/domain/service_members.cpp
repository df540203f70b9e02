// Service operations on a member as a whole.
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller {

std::size_t Service::disable_member_devices(const std::string& member_label) {
  const auto member = member_or_throw(member_label);
  const auto devices = store_.list_devices(DeviceFilter{.member_id = member.id, .enabled = true});
  if (devices.empty()) return 0;
  Store::Transaction tx(store_);
  gateway::DeviceChange change;
  for (auto device : devices) {
    device.enabled = false;
    store_.update_device(device);
    change.peers.push_back(gateway::plan_remove(device.public_key).peers.at(0));
  }
  // One change for all of them, as for a burn: never half a member cut off.
  try {
    backend_.apply(change);
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the WireGuard interface refused the change (") + e.what() +
                     "); no device was disabled; try again");
  }
  tx.commit();
  for (const auto& device : devices) {
    untrack_expiry(device);
    if (should_be_active(device)) notify_deactivated(device, member.label);
  }
  return devices.size();
}

}  // namespace picket::controller
