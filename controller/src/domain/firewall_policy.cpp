#include "picket/controller/firewall_policy.hpp"

#include <stdexcept>

#include "picket/controller/errors.hpp"
#include "picket/controller/validate.hpp"
#include "picket/gateway/error.hpp"
#include "store/device_access.hpp"

namespace picket::controller {

DeviceAccess validate_access(const DeviceAccess& access) {
  DeviceAccess out;
  if (access.restricted_to) {
    if (access.restricted_to->size() > kMaxRestrictedCidrs) {
      throw std::invalid_argument("at most 64 restricted_to destinations are supported");
    }
    out.restricted_to.emplace();
    for (const auto& cidr : *access.restricted_to) out.restricted_to->push_back(cidr.network());
  }
  if (!access.group.empty()) out.group = normalize_label("group", access.group);
  return out;
}

FirewallPolicy::FirewallPolicy(Store& store, gateway::Firewall& firewall, BaseConfig base)
    : store_(store), firewall_(firewall), base_(std::move(base)) {}

std::uint32_t FirewallPolicy::group_id(const std::string& group) {
  if (group.empty()) return 0;
  const auto next = static_cast<std::uint32_t>(group_ids_.size() + 1);
  return group_ids_.emplace(group, next).first->second;
}

gateway::FirewallDevice FirewallPolicy::firewall_device(const Device& device,
                                                        const DeviceAccess& access) {
  return gateway::FirewallDevice{device.ipv4, device.ipv6, access.restricted_to,
                                 group_id(access.group)};
}

std::vector<gateway::FirewallDevice> FirewallPolicy::all_active() {
  const auto access = device_access::load_all(store_);
  std::vector<gateway::FirewallDevice> out;
  out.reserve(active_.size());
  for (const auto& [id, device] : active_) {
    const auto it = access.find(id);
    out.push_back(firewall_device(device, it != access.end() ? it->second : DeviceAccess{}));
  }
  return out;
}

void FirewallPolicy::sync(const std::vector<ActiveDevice>& active) {
  active_.clear();
  for (const auto& entry : active) active_.emplace(entry.device.id, entry.device);
  auto config = base_ ? base_() : firewall_.config();
  config.member_to_member = device_access::member_to_member(store_);
  firewall_.replace(config, all_active());
}

void FirewallPolicy::activated(const ActiveDevice& device) {
  DeviceAccess access;
  if (expected_ && expected_->member == device.member_label &&
      expected_->label == device.device.label) {
    access = expected_->access;
    device_access::save(store_, device.device.id, access);  // inside the caller's transaction
  } else {
    access = device_access::load(store_, device.device.id);
  }
  firewall_.add(firewall_device(device.device, access));
  active_[device.device.id] = device.device;
}

void FirewallPolicy::deactivated(const ActiveDevice& device) {
  active_.erase(device.device.id);
  firewall_.remove(firewall_device(device.device, {}));
}

void FirewallPolicy::expect_new_device(const std::string& member, const std::string& label,
                                       const DeviceAccess& access) {
  expected_ = Expected{normalize_label("member label", member),
                       normalize_label("device label", label), validate_access(access)};
}

Device FirewallPolicy::device_or_throw(const std::string& member_label, const std::string& label) {
  const auto member = store_.member_by_label(normalize_label("member label", member_label));
  if (!member) throw NotFoundError("no member with that label; see `picket member list`");
  const auto device = store_.device_by_label(member->id, normalize_label("device label", label));
  if (!device) {
    throw NotFoundError("the member has no device with that label; see `picket device list`");
  }
  return *device;
}

DeviceAccess FirewallPolicy::access(const std::string& member, const std::string& label) {
  return device_access::load(store_, device_or_throw(member, label).id);
}

DeviceAccess FirewallPolicy::set_access(const std::string& member, const std::string& label,
                                        const DeviceAccess& access) {
  const auto next = validate_access(access);
  const auto device = device_or_throw(member, label);
  Store::Transaction tx(store_);
  device_access::save(store_, device.id, next);
  if (active_.contains(device.id)) {
    try {
      firewall_.add(firewall_device(device, next));
    } catch (const gateway::Error& e) {
      throw ApplyError(std::string("the firewall refused the change (") + e.what() +
                       "); nothing was changed");
    }
  }
  tx.commit();
  if (changed_) changed_();
  return next;
}

void FirewallPolicy::set_member_to_member(bool allowed) {
  if (allowed == member_to_member()) return;
  Store::Transaction tx(store_);
  device_access::save_member_to_member(store_, allowed);
  auto config = firewall_.config();
  config.member_to_member = allowed;
  try {
    firewall_.replace(config, all_active());
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the firewall refused the change (") + e.what() +
                     "); nothing was changed");
  }
  tx.commit();
  if (changed_) changed_();
}

}  // namespace picket::controller
