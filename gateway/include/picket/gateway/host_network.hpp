#pragma once

#include <string>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::gateway {

// The prefixes (network form) of every address on this network namespace's
// interfaces other than `ifname`, IPv6 link-local ones excepted. A tunnel
// subnet overlapping one of them would steal or shadow that network's
// routes. Throws Error when rtnetlink cannot be read.
std::vector<Cidr> prefixes_on_other_interfaces(const std::string& ifname);

}  // namespace picket::gateway
