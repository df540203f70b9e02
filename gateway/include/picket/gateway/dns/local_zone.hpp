#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

// The resolver's own zone: host names with their addresses, answered with
// A, AAAA and, for the reverse names of those addresses, PTR. It knows
// names and addresses only; whoever feeds it decides what a name means.
// Changes and lookups may come from different threads.
class LocalZone {
 public:
  struct Entry {
    std::string name;  // a host name under the origin, e.g. "phone.alice.picket.internal"
    std::vector<IpAddress> addresses;
  };

  // Throws Error when `origin` is not a host name.
  explicit LocalZone(std::string_view origin = "picket.internal");

  // Replaces the origin and empties the zone (the caller re-adds its names).
  void set_origin(std::string_view origin);
  std::string origin() const;

  // Adds `entry` or replaces the addresses of a name already present. Throws
  // Error, changing nothing, when the name is malformed or outside the
  // origin, or an address already belongs to another name.
  void put(const Entry& entry);
  void remove(std::string_view name);  // absent names are ignored
  // All or nothing: on an Error the zone keeps what it had.
  void replace_all(const std::vector<Entry>& entries);
  std::size_t size() const;

  enum class Kind { outside, found, nodata, nxdomain, apex };
  struct Lookup {
    Kind kind = Kind::outside;
    std::vector<IpAddress> addresses;  // found: the name's addresses
    std::string ptr_target;            // found by reverse name: the host (wire format)
    std::string origin_wire;           // for the SOA of negative answers
  };
  // `key` is a lowercased wire-format name.
  Lookup find(std::string_view key) const;

 private:
  struct Data {
    std::string origin_wire;
    std::unordered_map<std::string, std::vector<IpAddress>> names;  // wire -> addresses
    std::unordered_map<std::string, std::string> reverse;           // reverse wire -> wire
    std::unordered_map<std::string, std::size_t> interior;          // empty non-terminals
  };
  static void insert(Data& data, const std::string& wire, const std::vector<IpAddress>& addresses);
  static void erase(Data& data, const std::string& wire);
  std::string checked_name(const Data& data, std::string_view name) const;

  mutable std::shared_mutex mutex_;
  Data data_;
};

// The reverse-lookup name of an address (in-addr.arpa / ip6.arpa), wire format.
std::string reverse_name(const IpAddress& address);

}  // namespace picket::gateway::dns
