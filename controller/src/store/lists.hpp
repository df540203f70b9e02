#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/ip.hpp"

namespace picket::controller {

// Address lists are stored as comma-separated canonical text: readable with
// the sqlite3 shell, and never searched, so no join table is needed.
std::string join_addresses(const std::vector<gateway::IpAddress>& addresses);
std::string join_cidrs(const std::vector<gateway::Cidr>& cidrs);
std::vector<gateway::IpAddress> split_addresses(std::string_view text);
std::vector<gateway::Cidr> split_cidrs(std::string_view text);
// Names without a comma in them (gateway names: a-z, 0-9, '-').
std::string join_names(const std::vector<std::string>& names);
std::vector<std::string> split_names(std::string_view text);

}  // namespace picket::controller
