#pragma once

#include <map>
#include <string>

#include "picket/controller/device_listener.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/dns/local_zone.hpp"

namespace picket::controller {

// Keeps the resolver's local zone equal to the active devices: each gets
// `<device>.<member>.<zone>` with its tunnel addresses. Labels are already
// restricted to a-z, 0-9 and '-' (validate.cpp) and unique per member, and
// member labels are unique, so names are valid and cannot collide.
//
// It also decides who sees which name (DESIGN principle 11: no member learns
// the roster). A device sees its own member's devices and the devices it may
// reach: those that share its group, or all when members may reach each
// other. The gateway's zone gets that as scope numbers (one per member, one
// per group) and an open switch (member-to-member allowed, or the stored
// open_directory setting); it never learns what a member or a group is.
class DnsZoneListener : public DeviceListener {
 public:
  DnsZoneListener(gateway::dns::LocalZone& zone, Store& store, bool open_directory);

  static std::string name_of(const ActiveDevice& device, const std::string& zone);

  void sync(const std::vector<ActiveDevice>& active) override;
  void activated(const ActiveDevice& device) override;
  void deactivated(const ActiveDevice& device) override;
  // A new zone name: re-adds every active device under it.
  void change_zone(const std::string& zone);
  // The stored open_directory setting changed.
  void set_open_directory(bool open);
  // Groups or member isolation changed: every name's scopes again.
  void refresh();

 private:
  gateway::dns::LocalZone::Entry entry_of(const ActiveDevice& device, const std::string& group);
  std::uint32_t scope_of(const std::string& key);
  void rebuild();

  gateway::dns::LocalZone& zone_;
  Store& store_;
  bool open_directory_;
  std::map<std::int64_t, ActiveDevice> active_;  // by device id
  std::map<std::string, std::uint32_t> scopes_;  // "m<id>" / "g<name>" -> scope number
};

}  // namespace picket::controller
