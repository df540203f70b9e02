#include "picket/gateway/dns/local_zone.hpp"

#include <mutex>

#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::dns {

namespace {

void append_label(std::string& wire, std::string_view label) {
  wire.push_back(static_cast<char>(label.size()));
  wire.append(label);
}

bool ends_with(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

// True when `name` ends in `origin` at a label boundary (so that
// "xpicket.internal" is not under "picket.internal").
bool under(std::string_view name, std::string_view origin) {
  if (!ends_with(name, origin)) return false;
  const std::size_t cut = name.size() - origin.size();
  std::size_t pos = 0;
  while (pos < cut) pos += 1 + static_cast<unsigned char>(name[pos]);
  return pos == cut;
}

}  // namespace

std::string reverse_name(const IpAddress& address) {
  std::string wire;
  static constexpr char kHex[] = "0123456789abcdef";
  if (address.is_v4()) {
    for (int i = 3; i >= 0; --i) append_label(wire, std::to_string(address.bytes[i]));
    append_label(wire, "in-addr");
  } else {
    for (int i = 15; i >= 0; --i) {
      append_label(wire, std::string(1, kHex[address.bytes[i] & 0x0f]));
      append_label(wire, std::string(1, kHex[address.bytes[i] >> 4]));
    }
    append_label(wire, "ip6");
  }
  append_label(wire, "arpa");
  wire.push_back('\0');
  return wire;
}

LocalZone::LocalZone(std::string_view origin) {
  set_origin(origin);
}

void LocalZone::set_origin(std::string_view origin) {
  auto wire = host_to_wire(origin);
  if (!wire || wire->size() <= 1)
    throw Error("the DNS zone '" + std::string(origin) + "' is not a host name such as picket.internal");
  std::unique_lock lock(mutex_);
  data_ = Data{};
  data_.origin_wire = std::move(*wire);
}

std::string LocalZone::origin() const {
  std::shared_lock lock(mutex_);
  return wire_to_text(data_.origin_wire);
}

std::string LocalZone::checked_name(const Data& data, std::string_view name) const {
  auto wire = host_to_wire(name);
  if (!wire) throw Error("a local DNS name is not a valid host name");
  if (wire->size() <= data.origin_wire.size() || !under(*wire, data.origin_wire))
    throw Error("a local DNS name is outside the zone " + wire_to_text(data.origin_wire));
  return *wire;
}

void LocalZone::insert(Data& data, const std::string& wire,
                       const std::vector<IpAddress>& addresses) {
  data.names[wire] = addresses;
  for (const auto& address : addresses) data.reverse[reverse_name(address)] = wire;
  const std::size_t interior = label_count(wire) - label_count(data.origin_wire) - 1;
  for (std::size_t skip = 1; skip <= interior; ++skip)
    ++data.interior[std::string(skip_labels(wire, skip))];
}

void LocalZone::erase(Data& data, const std::string& wire) {
  const auto it = data.names.find(wire);
  if (it == data.names.end()) return;
  for (const auto& address : it->second) data.reverse.erase(reverse_name(address));
  data.names.erase(it);
  const std::size_t interior = label_count(wire) - label_count(data.origin_wire) - 1;
  for (std::size_t skip = 1; skip <= interior; ++skip) {
    const auto parent = data.interior.find(std::string(skip_labels(wire, skip)));
    if (parent != data.interior.end() && --parent->second == 0) data.interior.erase(parent);
  }
}

void LocalZone::put(const Entry& entry) {
  std::unique_lock lock(mutex_);
  const auto wire = checked_name(data_, entry.name);
  for (const auto& address : entry.addresses) {
    const auto owner = data_.reverse.find(reverse_name(address));
    if (owner != data_.reverse.end() && owner->second != wire)
      throw Error("a local DNS address already belongs to another name");
  }
  erase(data_, wire);
  insert(data_, wire, entry.addresses);
}

void LocalZone::remove(std::string_view name) {
  std::unique_lock lock(mutex_);
  if (auto wire = host_to_wire(name)) erase(data_, *wire);
}

void LocalZone::replace_all(const std::vector<Entry>& entries) {
  std::unique_lock lock(mutex_);
  Data fresh;
  fresh.origin_wire = data_.origin_wire;
  for (const auto& entry : entries) {
    const auto wire = checked_name(fresh, entry.name);
    if (fresh.names.count(wire)) throw Error("a local DNS name appears twice");
    for (const auto& address : entry.addresses)
      if (fresh.reverse.count(reverse_name(address)))
        throw Error("a local DNS address belongs to two names");
    insert(fresh, wire, entry.addresses);
  }
  data_ = std::move(fresh);
}

std::size_t LocalZone::size() const {
  std::shared_lock lock(mutex_);
  return data_.names.size();
}

LocalZone::Lookup LocalZone::find(std::string_view key) const {
  Lookup result;
  std::shared_lock lock(mutex_);
  const std::string k(key);
  if (const auto ptr = data_.reverse.find(k); ptr != data_.reverse.end()) {
    result.kind = Kind::found;
    result.ptr_target = ptr->second;
    return result;
  }
  if (!under(key, data_.origin_wire)) return result;
  result.origin_wire = data_.origin_wire;
  if (key.size() == data_.origin_wire.size()) {
    result.kind = Kind::apex;
  } else if (const auto it = data_.names.find(k); it != data_.names.end()) {
    result.kind = Kind::found;
    result.addresses = it->second;
  } else {
    result.kind = data_.interior.count(k) ? Kind::nodata : Kind::nxdomain;
  }
  return result;
}

}  // namespace picket::gateway::dns
