#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

// The resolver's own zone: host names with their addresses, answered with
// A, AAAA and, for the reverse names of those addresses, PTR. It knows
// names, addresses and opaque scope numbers only; whoever feeds it decides
// what a name or a scope means.
//
// Visibility: a querier sees a name when the name that holds the querier's
// own address shares a scope with it, or when the zone is open. A name it
// may not see answers exactly as a name that does not exist, and the
// reverse name of its address exactly as an unused address in the local
// networks, so that nothing tells the two apart.
//
// Changes and lookups may come from different threads.
class LocalZone {
 public:
  struct Entry {
    std::string name;  // a host name under the origin, e.g. "phone.alice.picket.internal"
    std::vector<IpAddress> addresses;
    std::vector<std::uint32_t> scopes;
  };

  // Throws Error when `origin` is not a host name.
  explicit LocalZone(std::string_view origin = "picket.internal");

  // Replaces the origin and empties the zone (the caller re-adds its names).
  void set_origin(std::string_view origin);
  std::string origin() const;

  // Open: every querier sees every name. Closed (the default): scopes decide.
  void set_open(bool open);
  bool open() const;

  // Queriers that see every name whatever the scopes: the resolver's own
  // addresses, i.e. the gateway host itself (root's tools, the invariant
  // checks). No member can send from them: WireGuard accepts from a peer only
  // its own addresses, and the firewall drops tunnel sources off the tunnel.
  void set_full_view(std::vector<IpAddress> queriers);

  // Full reverse names of every address in these networks are answered here
  // (PTR or NXDOMAIN) and never sent upstream.
  void set_local_networks(std::vector<Cidr> networks);

  // Adds `entry` or replaces the addresses and scopes of a name already
  // present. Throws Error, changing nothing, when the name is malformed or
  // outside the origin, or an address already belongs to another name.
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
  // `key` is a lowercased wire-format name, asked by `querier`.
  Lookup find(std::string_view key, const IpAddress& querier) const;

 private:
  struct Name {
    std::vector<IpAddress> addresses;
    std::vector<std::uint32_t> scopes;
  };
  struct Interior {
    std::size_t names = 0;                        // names below it
    std::map<std::uint32_t, std::size_t> scopes;  // how many of them carry each scope
  };
  struct Data {
    std::string origin_wire;
    std::unordered_map<std::string, Name> names;         // wire -> name
    std::map<IpAddress, std::string> by_address;         // address -> wire
    std::unordered_map<std::string, Interior> interior;  // empty non-terminals
  };
  static void insert(Data& data, const std::string& wire, const Entry& entry);
  static void erase(Data& data, const std::string& wire);
  std::string checked_name(const Data& data, std::string_view name) const;
  const std::vector<std::uint32_t>* scopes_of(const IpAddress& querier) const;
  bool sees(const std::vector<std::uint32_t>* querier,
            const std::vector<std::uint32_t>& name) const;
  bool sees(const std::vector<std::uint32_t>* querier, const Interior& interior) const;
  // nullptr-free shortcut: this querier sees everything (open zone or full view).
  bool sees_all(const IpAddress& querier) const;
  Lookup find_reverse(const IpAddress& address, const IpAddress& querier) const;

  mutable std::shared_mutex mutex_;
  Data data_;
  bool open_ = false;
  std::vector<IpAddress> full_view_;
  std::vector<Cidr> local_networks_;
};

// The reverse-lookup name of an address (in-addr.arpa / ip6.arpa), wire format.
std::string reverse_name(const IpAddress& address);

// The address whose full reverse name `key` (lowercased wire format) is;
// nullopt for any other name, including partial and non-canonical ones.
std::optional<IpAddress> address_of_reverse_name(std::string_view key);

}  // namespace picket::gateway::dns
