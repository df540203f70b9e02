#include "domain/dns_zone_listener.hpp"

namespace picket::controller {

std::string DnsZoneListener::name_of(const ActiveDevice& device, const std::string& zone) {
  return device.device.label + "." + device.member_label + "." + zone;
}

gateway::dns::LocalZone::Entry DnsZoneListener::entry_of(const ActiveDevice& device) const {
  return {name_of(device, zone_.origin()), {device.device.ipv4, device.device.ipv6}};
}

void DnsZoneListener::sync(const std::vector<ActiveDevice>& active) {
  std::vector<gateway::dns::LocalZone::Entry> entries;
  std::map<std::int64_t, ActiveDevice> by_id;
  for (const auto& device : active) {
    entries.push_back(entry_of(device));
    by_id.emplace(device.device.id, device);
  }
  zone_.replace_all(entries);
  active_ = std::move(by_id);
}

void DnsZoneListener::activated(const ActiveDevice& device) {
  // A reissue keeps the id: its old entry goes first.
  if (const auto old = active_.find(device.device.id); old != active_.end())
    zone_.remove(entry_of(old->second).name);
  zone_.put(entry_of(device));
  active_.insert_or_assign(device.device.id, device);
}

void DnsZoneListener::deactivated(const ActiveDevice& device) {
  zone_.remove(entry_of(device).name);
  active_.erase(device.device.id);
}

void DnsZoneListener::change_zone(const std::string& zone) {
  zone_.set_origin(zone);
  std::vector<ActiveDevice> active;
  for (const auto& [id, device] : active_) active.push_back(device);
  sync(active);
}

}  // namespace picket::controller
