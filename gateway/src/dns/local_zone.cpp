#include "picket/gateway/dns/local_zone.hpp"

#include <algorithm>
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

std::vector<std::string_view> labels_of(std::string_view wire) {
  std::vector<std::string_view> labels;
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    const std::size_t length = static_cast<unsigned char>(wire[pos]);
    if (pos + 1 + length > wire.size()) return {};
    labels.push_back(wire.substr(pos + 1, length));
    pos += 1 + length;
  }
  return labels;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
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

std::optional<IpAddress> address_of_reverse_name(std::string_view key) {
  const auto labels = labels_of(key);
  IpAddress address;
  if (labels.size() == 6 && labels[4] == "in-addr" && labels[5] == "arpa") {
    for (int i = 0; i < 4; ++i) {
      const auto label = labels[i];
      if (label.empty() || label.size() > 3) return std::nullopt;
      int value = 0;
      for (char c : label) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
      }
      if (value > 255) return std::nullopt;
      address.bytes[3 - i] = static_cast<std::uint8_t>(value);
    }
  } else if (labels.size() == 34 && labels[32] == "ip6" && labels[33] == "arpa") {
    address.family = IpAddress::Family::v6;
    for (int i = 0; i < 32; ++i) {
      const int nibble = labels[i].size() == 1 ? hex_value(labels[i][0]) : -1;
      if (nibble < 0) return std::nullopt;
      auto& byte = address.bytes[15 - i / 2];
      byte = static_cast<std::uint8_t>(i % 2 == 0 ? nibble : byte | (nibble << 4));
    }
  } else {
    return std::nullopt;
  }
  // "05.0.77.10.in-addr.arpa" is no address's reverse name.
  if (reverse_name(address) != key) return std::nullopt;
  return address;
}

LocalZone::LocalZone(std::string_view origin) {
  set_origin(origin);
}

void LocalZone::set_origin(std::string_view origin) {
  auto wire = host_to_wire(origin);
  if (!wire || wire->size() <= 1)
    throw Error("the DNS zone '" + std::string(origin) +
                "' is not a host name such as picket.internal");
  std::unique_lock lock(mutex_);
  data_ = Data{};
  data_.origin_wire = std::move(*wire);
}

std::string LocalZone::origin() const {
  std::shared_lock lock(mutex_);
  return wire_to_text(data_.origin_wire);
}

void LocalZone::set_open(bool open) {
  std::unique_lock lock(mutex_);
  open_ = open;
}

bool LocalZone::open() const {
  std::shared_lock lock(mutex_);
  return open_;
}

void LocalZone::set_full_view(std::vector<IpAddress> queriers) {
  std::unique_lock lock(mutex_);
  full_view_ = std::move(queriers);
}

bool LocalZone::sees_all(const IpAddress& querier) const {
  return open_ || std::find(full_view_.begin(), full_view_.end(), querier) != full_view_.end();
}

void LocalZone::set_local_networks(std::vector<Cidr> networks) {
  std::unique_lock lock(mutex_);
  local_networks_ = std::move(networks);
}

std::string LocalZone::checked_name(const Data& data, std::string_view name) const {
  auto wire = host_to_wire(name);
  if (!wire) throw Error("a local DNS name is not a valid host name");
  if (wire->size() <= data.origin_wire.size() || !under(*wire, data.origin_wire))
    throw Error("a local DNS name is outside the zone " + wire_to_text(data.origin_wire));
  return *wire;
}

void LocalZone::insert(Data& data, const std::string& wire, const Entry& entry) {
  auto& name = data.names[wire];
  name.addresses = entry.addresses;
  name.scopes = entry.scopes;
  std::sort(name.scopes.begin(), name.scopes.end());
  name.scopes.erase(std::unique(name.scopes.begin(), name.scopes.end()), name.scopes.end());
  for (const auto& address : entry.addresses) data.by_address[address] = wire;
  const std::size_t interior = label_count(wire) - label_count(data.origin_wire) - 1;
  for (std::size_t skip = 1; skip <= interior; ++skip) {
    auto& parent = data.interior[std::string(skip_labels(wire, skip))];
    ++parent.names;
    for (const auto scope : name.scopes) ++parent.scopes[scope];
  }
}

void LocalZone::erase(Data& data, const std::string& wire) {
  const auto it = data.names.find(wire);
  if (it == data.names.end()) return;
  for (const auto& address : it->second.addresses) data.by_address.erase(address);
  const std::size_t interior = label_count(wire) - label_count(data.origin_wire) - 1;
  for (std::size_t skip = 1; skip <= interior; ++skip) {
    const auto parent = data.interior.find(std::string(skip_labels(wire, skip)));
    if (parent == data.interior.end()) continue;
    for (const auto scope : it->second.scopes) {
      const auto counted = parent->second.scopes.find(scope);
      if (counted != parent->second.scopes.end() && --counted->second == 0)
        parent->second.scopes.erase(counted);
    }
    if (--parent->second.names == 0) data.interior.erase(parent);
  }
  data.names.erase(it);
}

void LocalZone::put(const Entry& entry) {
  std::unique_lock lock(mutex_);
  const auto wire = checked_name(data_, entry.name);
  for (const auto& address : entry.addresses) {
    const auto owner = data_.by_address.find(address);
    if (owner != data_.by_address.end() && owner->second != wire)
      throw Error("a local DNS address already belongs to another name");
  }
  erase(data_, wire);
  insert(data_, wire, entry);
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
      if (fresh.by_address.count(address)) throw Error("a local DNS address belongs to two names");
    insert(fresh, wire, entry);
  }
  data_ = std::move(fresh);
}

std::size_t LocalZone::size() const {
  std::shared_lock lock(mutex_);
  return data_.names.size();
}

const std::vector<std::uint32_t>* LocalZone::scopes_of(const IpAddress& querier) const {
  const auto owner = data_.by_address.find(querier);
  if (owner == data_.by_address.end()) return nullptr;
  return &data_.names.at(owner->second).scopes;
}

bool LocalZone::sees(const std::vector<std::uint32_t>* querier,
                     const std::vector<std::uint32_t>& name) const {
  if (open_) return true;
  if (querier == nullptr) return false;
  // Both sorted and short (a member and perhaps a group).
  auto a = querier->begin();
  auto b = name.begin();
  while (a != querier->end() && b != name.end()) {
    if (*a == *b) return true;
    *a < *b ? ++a : ++b;
  }
  return false;
}

bool LocalZone::sees(const std::vector<std::uint32_t>* querier, const Interior& interior) const {
  if (open_) return interior.names > 0;
  if (querier == nullptr) return false;
  return std::any_of(querier->begin(), querier->end(),
                     [&](std::uint32_t scope) { return interior.scopes.count(scope) > 0; });
}

LocalZone::Lookup LocalZone::find_reverse(const IpAddress& address,
                                          const IpAddress& querier) const {
  Lookup result;
  const auto owner = data_.by_address.find(address);
  const bool local = std::any_of(local_networks_.begin(), local_networks_.end(),
                                 [&](const Cidr& network) { return network.contains(address); });
  if (owner == data_.by_address.end()) {
    if (!local) return result;  // not ours: upstream answers
  } else if (sees_all(querier) || sees(scopes_of(querier), data_.names.at(owner->second).scopes)) {
    result.kind = Kind::found;
    result.ptr_target = owner->second;
    return result;
  }
  // Unused, or used by a name the querier may not see: the same answer.
  result.kind = Kind::nxdomain;
  result.origin_wire = data_.origin_wire;
  return result;
}

LocalZone::Lookup LocalZone::find(std::string_view key, const IpAddress& querier) const {
  std::shared_lock lock(mutex_);
  if (const auto address = address_of_reverse_name(key)) return find_reverse(*address, querier);
  Lookup result;
  if (!under(key, data_.origin_wire)) return result;
  result.origin_wire = data_.origin_wire;
  const std::string k(key);
  const auto* scopes = scopes_of(querier);
  const bool all = sees_all(querier);
  if (key.size() == data_.origin_wire.size()) {
    result.kind = Kind::apex;
  } else if (const auto it = data_.names.find(k);
             it != data_.names.end() && (all || sees(scopes, it->second.scopes))) {
    result.kind = Kind::found;
    result.addresses = it->second.addresses;
  } else if (const auto node = data_.interior.find(k);
             node != data_.interior.end() &&
             (all ? node->second.names > 0 : sees(scopes, node->second))) {
    result.kind = Kind::nodata;
  } else {
    result.kind = Kind::nxdomain;
  }
  return result;
}

}  // namespace picket::gateway::dns
