#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "picket/gateway/firewall.hpp"

// nftables scripts for Picket's table, as pure functions on values so that
// they can be checked byte for byte without a kernel. Each script is meant
// to be handed to libnftables in one call, which makes it one transaction.
namespace picket::gateway::ruleset {

// Drops a device's duplicate destinations and those inside another of its
// destinations: nftables refuses overlapping intervals in one set.
std::vector<Cidr> minimal_cover(const std::vector<Cidr>& cidrs);

// Creates (or atomically replaces) the whole table with `devices` in it.
std::string full(const FirewallConfig& config, const std::string& table,
                 const std::vector<FirewallDevice>& devices);

// Adds one device's set elements; `new_group` also creates its group's chain
// and sets.
std::string add_device(const std::string& table, const FirewallDevice& device, bool new_group);

// Deletes exactly the elements add_device() added for `device`.
std::string remove_device(const std::string& table, const FirewallDevice& device);

std::string delete_table(const std::string& table);

}  // namespace picket::gateway::ruleset
