#pragma once

#include <cstdint>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::controller {

// Hands out host indices shared by the IPv4 and IPv6 subnets: index 1 is the
// gateway's, the lowest free one goes to the next device. Lives in memory,
// loaded from the store at start; finding the lowest free index does not
// scan the devices.
class AddressPool {
 public:
  // Throws std::invalid_argument when a subnet is unusable (IPv4 wider than
  // /16 or narrower than /30, IPv6 narrower than /120, host bits set).
  AddressPool(const gateway::Cidr& ipv4_subnet, const gateway::Cidr& ipv6_subnet);

  // Throws std::runtime_error("the IPv4 subnet 10.77.0.0/24 is full: … widen it …")
  std::uint32_t allocate();
  void reserve(std::uint32_t index);  // mark as used (loading from the store)
  void release(std::uint32_t index);
  bool in_use(std::uint32_t index) const;
  std::uint32_t capacity() const { return last_; }  // highest usable index
  std::size_t used() const { return used_count_; }

  gateway::IpAddress ipv4_of(std::uint32_t index) const;
  gateway::IpAddress ipv6_of(std::uint32_t index) const;
  gateway::IpAddress gateway_ipv4() const { return ipv4_of(1); }
  gateway::IpAddress gateway_ipv6() const { return ipv6_of(1); }

 private:
  gateway::Cidr v4_;
  gateway::Cidr v6_;
  std::uint32_t last_ = 0;           // highest usable host index (broadcast excluded)
  std::vector<std::uint64_t> bits_;  // bit i set = index i in use
  std::size_t used_count_ = 0;
};

}  // namespace picket::controller
