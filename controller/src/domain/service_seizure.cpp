// Service operations for seizure resilience: revoking many devices at once,
// the network side of the panic wipe, and gateway key rotation.
#include <map>
#include <stdexcept>

#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller {

std::size_t Service::revoke_devices(const std::vector<Device>& devices) {
  if (devices.empty()) return 0;
  std::map<std::int64_t, std::string> labels;
  for (auto& member : store_.list_members()) labels.emplace(member.id, std::move(member.label));
  Store::Transaction tx(store_);
  gateway::DeviceChange change;
  for (const auto& device : devices) {
    store_.delete_device(device.id);
    change.peers.push_back(gateway::plan_remove(device.public_key).peers.at(0));
  }
  // One change for all of them: a burn must not leave half the fleet
  // connected because the n-th of many messages failed. If the backend fails
  // part-way the transaction rolls back; the admin retries, and removing an
  // absent peer is harmless.
  try {
    backend_.apply(change);
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the WireGuard interface refused the change (") + e.what() +
                     "); no device was revoked; try again");
  }
  tx.commit();
  for (const auto& device : devices) {
    untrack_expiry(device);
    pool_.release(device.host_index);
    if (should_be_active(device)) notify_deactivated(device, labels[device.member_id]);
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

void Service::take_interface_down() {
  wiped_ = true;
  expiries_.clear();
  if (!backend_.interface_exists()) return;
  // Peers first, so that members are cut off even if removing the link then
  // fails (a kernel that refuses, a wireguard-go that will not exit).
  try {
    gateway::DeviceChange change;
    change.replace_peers = true;
    backend_.apply(change);
    backend_.remove_interface();
  } catch (const std::exception&) {
    // wireguard-go may be exiting by itself (systemd signals the whole
    // control group at once): an interface that is gone holds no peer.
    if (backend_.interface_exists()) throw;
  }
}

Settings Service::rotate_key(const gateway::SecretKey& next_private_key) {
  if (wiped_)
    throw ApplyError("picketd is stopping (or the gateway was wiped); the interface is down");
  Settings next = settings_;
  next.public_key = gateway::public_key_of(next_private_key);
  for (const auto& device : store_.list_devices()) {
    if (device.public_key == next.public_key) {
      throw std::runtime_error("the new gateway key collides with a device's key; try again");
    }
  }
  Store::Transaction tx(store_);
  store_.save_settings(next);
  gateway::DeviceChange change;
  change.private_key = next_private_key;
  try {
    backend_.apply(change);
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the WireGuard interface refused the new key (") + e.what() +
                     "); the old key stays");
  }
  try {
    tx.commit();
  } catch (...) {
    // Put the old key back; should that fail too, the drift timer does it.
    gateway::DeviceChange back;
    back.private_key = private_key_;
    try {
      backend_.apply(back);
    } catch (const gateway::Error&) {
    }
    throw;
  }
  settings_ = next;
  private_key_ = next_private_key;
  return settings_;
}

}  // namespace picket::controller
