#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/firewall_config.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::gateway {

// The nftables table Picket owns for one tunnel interface. Tables live per
// network namespace and one interface name is unique there, so two instances
// never share (or replace) each other's table.
std::string firewall_table_name(std::string_view tunnel_interface);

// Throws Error naming the problem when `config` cannot become a ruleset
// (interface names nftables or the kernel would refuse, wrong families).
void validate(const FirewallConfig& config);

class NftContext;

// The table `inet picket_<tunnel>` and nothing else: every change is one
// nftables transaction, so a refused change leaves the previous ruleset in
// force, and other tables (ufw, firewalld, the admin's own) are never read or
// touched. Device changes touch set elements only; the number of rules does
// not depend on the number of devices. Not thread-safe.
class Firewall {
 public:
  // Validates `config` (throws Error); touches nothing yet.
  explicit Firewall(FirewallConfig config);
  ~Firewall();
  Firewall(const Firewall&) = delete;
  Firewall& operator=(const Firewall&) = delete;

  const FirewallConfig& config() const { return config_; }
  const std::string& table() const { return table_; }

  // Replaces the whole table (a stale one from an earlier run included) by
  // one holding exactly `devices`.
  void replace(const std::vector<FirewallDevice>& devices);
  // The same with new gateway-wide settings; on failure the old ones stay.
  void replace(const FirewallConfig& config, const std::vector<FirewallDevice>& devices);

  // Incremental changes. Adding a device whose IPv4 address is already
  // present replaces its entry. Removing an unknown device does nothing.
  void add(const FirewallDevice& device);
  void remove(const FirewallDevice& device);

  // Deletes the table; nothing happens when it is not there.
  void remove_table();
  bool table_exists();

  std::size_t device_count() const { return applied_.size(); }

 private:
  void run(const std::string& script, std::string_view doing);

  FirewallConfig config_;
  std::string table_;
  std::unique_ptr<NftContext> nft_;
  std::map<IpAddress, FirewallDevice> applied_;  // by IPv4 address
  std::set<std::uint32_t> groups_;               // groups whose chain and sets exist
};

}  // namespace picket::gateway
