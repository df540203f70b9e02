// Service operations for seizure resilience: revoking many devices at once,
// the network side of the panic wipe, and gateway key rotation.
#include <stdexcept>

#include "domain/gateway_link.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller {

std::size_t Service::revoke_devices(const std::vector<Device>& devices) {
  if (devices.empty()) return 0;
  Store::Transaction tx(store_);
  // One change for all of them: a burn must not leave half the fleet
  // connected because the n-th of many messages failed. If the gateway
  // refuses, the transaction rolls back; the admin retries, and removing an
  // absent peer is harmless.
  gateway::GatewayChange change;
  for (const auto& device : devices) {
    store_.delete_device(device.id);
    change.remove.push_back(device.public_key);
  }
  try {
    apply_then_commit(tx, change, "the revocation");
  } catch (const ApplyError& e) {
    throw ApplyError(std::string(e.what()) + "; no device was revoked; try again");
  }
  for (const auto& device : devices) {
    untrack_expiry(device);
    pool_.release(device.host_index);
  }
  return devices.size();
}

std::size_t Service::revoke_member_devices(const std::string& member_label) {
  const auto member = member_or_throw(member_label);
  return revoke_devices(store_.list_devices(DeviceFilter{.member_id = member.id, .enabled = {}}));
}

std::size_t Service::revoke_all_devices(std::optional<std::int64_t> except) {
  auto devices = store_.list_devices();
  if (except) std::erase_if(devices, [&](const Device& device) { return device.id == *except; });
  return revoke_devices(devices);
}

void Service::take_gateway_down() {
  down_ = true;
  expiries_.clear();
  link_.teardown();
}

Settings Service::rotate_key(const gateway::SecretKey& next_private_key) {
  require_up();
  Settings next = settings_;
  next.public_key = gateway::public_key_of(next_private_key);
  for (const auto& device : store_.list_devices()) {
    if (device.public_key == next.public_key) {
      throw std::runtime_error("the new gateway key collides with a device's key; try again");
    }
  }
  Store::Transaction tx(store_);
  store_.save_settings(next);
  try {
    link_.rotate_key(next_private_key);
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the gateway refused the new key (") + e.what() +
                     "); the old key stays");
  }
  try {
    tx.commit();
  } catch (...) {
    // Put the old key back; should that fail too, the drift timer does it.
    try {
      link_.rotate_key(private_key_);
    } catch (const gateway::Error&) {
    }
    throw;
  }
  settings_ = next;
  private_key_ = next_private_key;
  return settings_;
}

}  // namespace picket::controller
