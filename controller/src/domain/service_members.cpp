// Service operations on a member as a whole.
#include "domain/gateway_link.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"

namespace picket::controller {

std::size_t Service::disable_member_devices(const std::string& member_label) {
  const auto member = member_or_throw(member_label);
  const auto devices = store_.list_devices(DeviceFilter{.member_id = member.id, .enabled = true});
  if (devices.empty()) return 0;
  Store::Transaction tx(store_);
  // One change for all of them, as for a burn: never half a member cut off.
  gateway::GatewayChange change;
  for (auto device : devices) {
    device.enabled = false;
    store_.update_device(device);
    change.remove.push_back(device.public_key);
  }
  try {
    apply_then_commit(tx, change);
  } catch (const ApplyError& e) {
    throw ApplyError(std::string(e.what()) + "; no device was disabled; try again");
  }
  for (const auto& device : devices) untrack_expiry(device);
  return devices.size();
}

}  // namespace picket::controller
