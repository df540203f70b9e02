#include "domain/dns_zone_listener.hpp"

#include "store/device_access.hpp"

namespace picket::controller {

DnsZoneListener::DnsZoneListener(gateway::dns::LocalZone& zone, Store& store, bool open_directory)
    : zone_(zone), store_(store), open_directory_(open_directory) {}

std::string DnsZoneListener::name_of(const ActiveDevice& device, const std::string& zone) {
  return device.device.label + "." + device.member_label + "." + zone;
}

std::uint32_t DnsZoneListener::scope_of(const std::string& key) {
  const auto next = static_cast<std::uint32_t>(scopes_.size() + 1);
  return scopes_.emplace(key, next).first->second;
}

gateway::dns::LocalZone::Entry DnsZoneListener::entry_of(const ActiveDevice& device,
                                                         const std::string& group) {
  gateway::dns::LocalZone::Entry entry{name_of(device, zone_.origin()),
                                       {device.device.ipv4, device.device.ipv6},
                                       {scope_of("m" + std::to_string(device.device.member_id))}};
  if (!group.empty()) entry.scopes.push_back(scope_of("g" + group));
  return entry;
}

void DnsZoneListener::rebuild() {
  const auto access = device_access::load_all(store_);
  scopes_.clear();
  std::vector<gateway::dns::LocalZone::Entry> entries;
  entries.reserve(active_.size());
  for (const auto& [id, device] : active_) {
    const auto it = access.find(id);
    entries.push_back(entry_of(device, it != access.end() ? it->second.group : std::string()));
  }
  // Narrowing first: a name must never be visible for a moment longer than allowed.
  const bool open = open_directory_ || device_access::member_to_member(store_);
  if (!open) zone_.set_open(false);
  zone_.replace_all(entries);
  if (open) zone_.set_open(true);
}

void DnsZoneListener::sync(const std::vector<ActiveDevice>& active) {
  std::map<std::int64_t, ActiveDevice> by_id;
  for (const auto& device : active) by_id.emplace(device.device.id, device);
  active_ = std::move(by_id);
  rebuild();
}

void DnsZoneListener::activated(const ActiveDevice& device) {
  // A reissue keeps the id: its old entry goes first.
  if (const auto old = active_.find(device.device.id); old != active_.end())
    zone_.remove(name_of(old->second, zone_.origin()));
  // The firewall's listener ran first and stored a new device's group in
  // this same transaction.
  zone_.put(entry_of(device, device_access::load(store_, device.device.id).group));
  active_.insert_or_assign(device.device.id, device);
}

void DnsZoneListener::deactivated(const ActiveDevice& device) {
  zone_.remove(name_of(device, zone_.origin()));
  active_.erase(device.device.id);
}

void DnsZoneListener::change_zone(const std::string& zone) {
  zone_.set_origin(zone);
  rebuild();
}

void DnsZoneListener::set_open_directory(bool open) {
  open_directory_ = open;
  zone_.set_open(open_directory_ || device_access::member_to_member(store_));
}

void DnsZoneListener::refresh() {
  rebuild();
}

}  // namespace picket::controller
