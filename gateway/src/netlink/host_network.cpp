#include "picket/gateway/host_network.hpp"

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include <algorithm>
#include <cstring>

#include "netlink/link.hpp"

namespace picket::gateway {

std::vector<Cidr> prefixes_on_other_interfaces(const std::string& ifname) {
  netlink::LinkControl links;
  std::vector<Cidr> out;
  for (const auto& cidr : links.all_addresses_except(ifname)) {
    const auto network = cidr.network();
    if (std::find(out.begin(), out.end(), network) == out.end()) out.push_back(network);
  }
  return out;
}

}  // namespace picket::gateway
