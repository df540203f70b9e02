#pragma once

#include <map>
#include <string>

#include "picket/controller/device_listener.hpp"
#include "picket/gateway/dns/local_zone.hpp"

namespace picket::controller {

// Keeps the resolver's local zone equal to the active devices: each gets
// `<device>.<member>.<zone>` with its tunnel addresses. Labels are already
// restricted to a-z, 0-9 and '-' (validate.cpp) and unique per member, and
// member labels are unique, so names are valid and cannot collide.
class DnsZoneListener : public DeviceListener {
 public:
  explicit DnsZoneListener(gateway::dns::LocalZone& zone) : zone_(zone) {}

  static std::string name_of(const ActiveDevice& device, const std::string& zone);

  void sync(const std::vector<ActiveDevice>& active) override;
  void activated(const ActiveDevice& device) override;
  void deactivated(const ActiveDevice& device) override;
  // A new zone name: re-adds every active device under it.
  void change_zone(const std::string& zone);

 private:
  gateway::dns::LocalZone::Entry entry_of(const ActiveDevice& device) const;

  gateway::dns::LocalZone& zone_;
  std::map<std::int64_t, ActiveDevice> active_;  // by device id, for change_zone
};

}  // namespace picket::controller
