#include "picket/gateway/firewall.hpp"

#include <algorithm>

#include "firewall/nft_context.hpp"
#include "firewall/ruleset.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway {

namespace {

// IFNAMSIZ - 1; a longer name can never match and nftables would refuse it.
constexpr std::size_t kMaxInterfaceName = 15;

void check_interface_name(const std::string& what, const std::string& name) {
  const bool fits = !name.empty() && name.size() <= kMaxInterfaceName;
  // The name goes into the script between quotes: nothing that could end them.
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
  if (!fits || !plain) {
    throw Error(what + " '" + name +
                "' is not a usable interface name (1-15 letters, digits or -_.)");
  }
}

void check_device(const FirewallDevice& device) {
  if (!device.ipv4.is_v4() || device.ipv6.is_v4()) {
    throw Error("a firewall device needs one IPv4 and one IPv6 tunnel address");
  }
}

}  // namespace

std::string firewall_table_name(std::string_view tunnel_interface) {
  return "picket_" + std::string(tunnel_interface);
}

void validate(const FirewallConfig& config) {
  check_interface_name("the tunnel interface", config.tunnel_interface);
  if (config.uplink) {
    check_interface_name("the uplink", *config.uplink);
    if (*config.uplink == config.tunnel_interface) {
      throw Error(
          "the uplink cannot be the tunnel interface itself; name the interface that "
          "carries the default route");
    }
  }
  if (!config.ipv4_subnet.address.is_v4() || !config.gateway_ipv4.is_v4()) {
    throw Error("the firewall's IPv4 subnet and gateway address must be IPv4");
  }
  if (config.ipv6_subnet.address.is_v4() || config.gateway_ipv6.is_v4()) {
    throw Error("the firewall's IPv6 subnet and gateway address must be IPv6");
  }
}

Firewall::Firewall(FirewallConfig config)
    : config_(std::move(config)),
      table_(firewall_table_name(config_.tunnel_interface)),
      nft_(std::make_unique<NftContext>()) {
  validate(config_);
}

Firewall::~Firewall() = default;

void Firewall::run(const std::string& script, std::string_view doing) {
  std::string message;
  if (const auto ec = nft_->run(script, message)) {
    throw Error(std::string(doing) + " failed, the previous ruleset stays in force: " + message);
  }
}

void Firewall::replace(const std::vector<FirewallDevice>& devices) {
  replace(config_, devices);
}

void Firewall::replace(const FirewallConfig& config, const std::vector<FirewallDevice>& devices) {
  validate(config);
  std::map<IpAddress, FirewallDevice> next;
  std::set<std::uint32_t> groups;
  for (const auto& device : devices) {
    check_device(device);
    if (!next.emplace(device.ipv4, device).second) {
      throw Error("two firewall devices share one tunnel address; nothing was changed");
    }
    if (device.group != 0) groups.insert(device.group);
  }
  run(ruleset::full(config, table_, devices), "replacing the nftables table " + table_);
  config_ = config;
  applied_ = std::move(next);
  groups_ = std::move(groups);
}

void Firewall::add(const FirewallDevice& device) {
  check_device(device);
  std::string script;
  const auto existing = applied_.find(device.ipv4);
  if (existing != applied_.end()) {
    if (existing->second == device) return;
    script = ruleset::remove_device(table_, existing->second);
  }
  const bool new_group = device.group != 0 && !groups_.contains(device.group);
  script += ruleset::add_device(table_, device, new_group);
  if (!script.empty()) run(script, "adding a device to the nftables table " + table_);
  applied_[device.ipv4] = device;
  if (device.group != 0) groups_.insert(device.group);
}

void Firewall::remove(const FirewallDevice& device) {
  const auto existing = applied_.find(device.ipv4);
  if (existing == applied_.end()) return;
  const auto script = ruleset::remove_device(table_, existing->second);
  if (!script.empty()) run(script, "removing a device from the nftables table " + table_);
  applied_.erase(existing);
}

bool Firewall::table_exists() {
  std::string message;
  return !nft_->run("list table inet " + table_ + "\n", message);
}

void Firewall::remove_table() {
  if (table_exists()) run(ruleset::delete_table(table_), "deleting the nftables table " + table_);
  applied_.clear();
  groups_.clear();
}

}  // namespace picket::gateway
