#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/device_listener.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/firewall.hpp"

namespace picket::controller {

// What one device may reach beyond the gateway's DNS and admin API.
struct DeviceAccess {
  // Unset: the internet (and, when allowed, other members). Set: only these
  // destinations; an empty list reaches nothing but the gateway's services.
  std::optional<std::vector<gateway::Cidr>> restricted_to;
  // Devices that share a group reach each other while members are isolated.
  // A label (a-z, 0-9, '-'); empty = no group.
  std::string group;

  bool operator==(const DeviceAccess&) const = default;
};

inline constexpr std::size_t kMaxRestrictedCidrs = 64;

// Normalises `access` (destinations to their network form, group to a
// label). Throws std::invalid_argument saying what is wrong.
DeviceAccess validate_access(const DeviceAccess& access);

// The firewall's half of the domain: stores device access and the member
// isolation switch, and keeps the gateway firewall's per-device sets equal to
// the active devices, in the same call that changes the WireGuard peer (it
// is one of Service's DeviceListeners). Groups become small integers here:
// the gateway knows group ids, never names. Not thread-safe.
class FirewallPolicy : public DeviceListener {
 public:
  // The gateway-wide config for each sync(), so that changed tunnel subnets
  // reach the ruleset at the next drift repair; the stored member isolation
  // setting overrides its member_to_member.
  using BaseConfig = std::function<gateway::FirewallConfig()>;

  // Without `base`, sync() keeps the firewall's current config.
  FirewallPolicy(Store& store, gateway::Firewall& firewall, BaseConfig base = {});

  void sync(const std::vector<ActiveDevice>& active) override;
  void activated(const ActiveDevice& device) override;
  void deactivated(const ActiveDevice& device) override;

  DeviceAccess access(const std::string& member, const std::string& label);
  // Stores and applies a device's access in one step: when the firewall
  // refuses, the database keeps the old access. Returns what was stored.
  DeviceAccess set_access(const std::string& member, const std::string& label,
                          const DeviceAccess& access);

  bool member_to_member() const { return firewall_.config().member_to_member; }
  void set_member_to_member(bool allowed);

  // Called after a stored access or the isolation switch changed, for
  // whatever else follows who may reach whom (the resolver's directory).
  void on_change(std::function<void()> observer) { changed_ = std::move(observer); }

  // Access for the next device activated with this member and label, stored
  // in the same transaction that creates it (the create request carries it).
  void expect_new_device(const std::string& member, const std::string& label,
                         const DeviceAccess& access);
  void clear_expected() { expected_.reset(); }

 private:
  struct Expected {
    std::string member;
    std::string label;
    DeviceAccess access;
  };
  gateway::FirewallDevice firewall_device(const Device& device, const DeviceAccess& access);
  std::uint32_t group_id(const std::string& group);
  std::vector<gateway::FirewallDevice> all_active();
  Device device_or_throw(const std::string& member, const std::string& label);

  Store& store_;
  gateway::Firewall& firewall_;
  BaseConfig base_;
  std::map<std::int64_t, Device> active_;  // by device id
  std::map<std::string, std::uint32_t> group_ids_;
  std::optional<Expected> expected_;
  std::function<void()> changed_;
};

}  // namespace picket::controller
