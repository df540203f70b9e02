#pragma once

// Link-level plumbing over rtnetlink (libnl-route-3), shared by the
// userspace backend and, later, the kernel one. Every failure throws Error
// with the interface name and libnl's explanation.

#include <cstdint>
#include <string>
#include <vector>

#include "picket/gateway/ip.hpp"

struct nl_sock;

namespace picket::gateway::netlink {

// One NETLINK_ROUTE socket in the network namespace of the thread that
// created it.
class LinkControl {
 public:
  LinkControl();
  LinkControl(const LinkControl&) = delete;
  LinkControl& operator=(const LinkControl&) = delete;
  ~LinkControl();

  bool exists(const std::string& ifname);
  // e.g. kind "wireguard" for the kernel backend.
  void create(const std::string& ifname, const std::string& kind);
  void remove(const std::string& ifname);
  // The link's kind ("wireguard", "tun", "veth", ...); empty when the kernel
  // reports none. Throws Error when the link does not exist.
  std::string kind(const std::string& ifname);

  std::uint32_t mtu(const std::string& ifname);
  bool is_up(const std::string& ifname);
  void set_mtu(const std::string& ifname, std::uint32_t mtu);
  void set_up(const std::string& ifname);

  // Addresses as configured (host part kept, e.g. 10.77.0.1/24), without
  // kernel-made IPv6 link-local ones.
  std::vector<Cidr> addresses(const std::string& ifname);
  // Addresses of every other link (IPv6 link-local ones excepted); `ifname`
  // need not exist.
  std::vector<Cidr> all_addresses_except(const std::string& ifname);
  // Adds the missing addresses and deletes every other one (IPv6 link-local
  // ones excepted). IPv6 addresses skip duplicate address detection.
  void set_addresses(const std::string& ifname, const std::vector<Cidr>& wanted);

 private:
  nl_sock* sock_ = nullptr;
};

}  // namespace picket::gateway::netlink
