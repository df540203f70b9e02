#include "firewall/ruleset.hpp"

#include <algorithm>
#include <map>

namespace picket::gateway::ruleset {

namespace {

using Elements = std::vector<std::string>;

// The device's destinations of one family, reduced to a set nftables accepts.
std::vector<Cidr> destinations(const FirewallDevice& device, bool v4) {
  std::vector<Cidr> out;
  for (const auto& cidr : *device.restricted_to) {
    if (cidr.address.is_v4() == v4) out.push_back(cidr.network());
  }
  return minimal_cover(out);
}

std::string group_chain(std::uint32_t group) {
  return "group_" + std::to_string(group);
}
std::string group_set(std::uint32_t group, bool v4) {
  return group_chain(group) + (v4 ? "_v4" : "_v6");
}

// The elements of every set and map a device appears in, keyed by set name.
std::map<std::string, Elements> elements_of(const FirewallDevice& device) {
  std::map<std::string, Elements> out;
  const auto v4 = device.ipv4.str();
  const auto v6 = device.ipv6.str();
  if (device.restricted_to) {
    out["restricted_v4"].push_back(v4);
    out["restricted_v6"].push_back(v6);
    for (const auto& cidr : destinations(device, true))
      out["reach_v4"].push_back(v4 + " . " + cidr.str());
    for (const auto& cidr : destinations(device, false))
      out["reach_v6"].push_back(v6 + " . " + cidr.str());
  }
  if (device.group != 0) {
    out["group_v4"].push_back(v4 + " : jump " + group_chain(device.group));
    out["group_v6"].push_back(v6 + " : jump " + group_chain(device.group));
    out[group_set(device.group, true)].push_back(v4);
    out[group_set(device.group, false)].push_back(v6);
  }
  return out;
}

std::string join(const Elements& elements) {
  std::string out;
  for (const auto& element : elements) {
    if (!out.empty()) out += ", ";
    out += element;
  }
  return out;
}

std::string set_body(const std::string& type, const std::string& flags, const Elements& elements) {
  std::string out = "{ type " + type + ";";
  if (!flags.empty()) out += " flags " + flags + ";";
  if (!elements.empty()) out += " elements = { " + join(elements) + " };";
  return out + " }";
}

std::string group_definitions(std::uint32_t group, const Elements& v4, const Elements& v6) {
  const auto chain = group_chain(group);
  return "  set " + group_set(group, true) + " " + set_body("ipv4_addr", "", v4) + "\n" + "  set " +
         group_set(group, false) + " " + set_body("ipv6_addr", "", v6) + "\n" + "  chain " + chain +
         " {\n" +                                                     //
         "    ip daddr @" + group_set(group, true) + " accept\n" +    //
         "    ip6 daddr @" + group_set(group, false) + " accept\n" +  //
         "  }\n";
}

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

std::vector<Cidr> minimal_cover(const std::vector<Cidr>& cidrs) {
  std::vector<Cidr> sorted;
  for (const auto& cidr : cidrs) sorted.push_back(cidr.network());
  // Widest first, so a prefix is only ever compared with wider ones kept.
  std::sort(sorted.begin(), sorted.end(), [](const Cidr& a, const Cidr& b) {
    return a.prefix != b.prefix ? a.prefix < b.prefix : a < b;
  });
  std::vector<Cidr> out;
  for (const auto& cidr : sorted) {
    const bool covered = std::any_of(out.begin(), out.end(), [&](const Cidr& kept) {
      return kept.address.family == cidr.address.family && kept.contains(cidr.address);
    });
    if (!covered) out.push_back(cidr);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string full(const FirewallConfig& config, const std::string& table,
                 const std::vector<FirewallDevice>& devices) {
  std::map<std::string, Elements> sets;
  std::map<std::uint32_t, bool> groups;
  for (const auto& device : devices) {
    for (auto& [name, elements] : elements_of(device)) {
      auto& all = sets[name];
      all.insert(all.end(), elements.begin(), elements.end());
    }
    if (device.group != 0) groups[device.group] = true;
  }
  const auto tunnel = quoted(config.tunnel_interface);
  const auto gw4 = config.gateway_ipv4.str();
  const auto gw6 = config.gateway_ipv6.str();
  const std::string tcp_ports =
      config.admin_port != 0 ? "{ 53, " + std::to_string(config.admin_port) + " }" : "53";

  // "add" then "delete" makes the delete succeed whether or not a stale
  // table exists; the three statements commit together or not at all.
  std::string out = "add table inet " + table + "\ndelete table inet " + table + "\n";
  out += "table inet " + table + " {\n";
  out += "  set restricted_v4 " + set_body("ipv4_addr", "", sets["restricted_v4"]) + "\n";
  out += "  set restricted_v6 " + set_body("ipv6_addr", "", sets["restricted_v6"]) + "\n";
  out += "  set reach_v4 " + set_body("ipv4_addr . ipv4_addr", "interval", sets["reach_v4"]) + "\n";
  out += "  set reach_v6 " + set_body("ipv6_addr . ipv6_addr", "interval", sets["reach_v6"]) + "\n";
  for (const auto& [group, unused] : groups) {
    out += group_definitions(group, sets[group_set(group, true)], sets[group_set(group, false)]);
  }
  out += "  map group_v4 " + set_body("ipv4_addr : verdict", "", sets["group_v4"]) + "\n";
  out += "  map group_v6 " + set_body("ipv6_addr : verdict", "", sets["group_v6"]) + "\n";

  // Before routing, connection tracking and NAT: the tunnel's addresses
  // count only on the tunnel. Linux would otherwise deliver a packet for the
  // gateway's tunnel address that arrives on the uplink (a neighbour routes
  // the subnet to us) to local listeners, and accept a forged member source
  // from outside and send the answer into that member's tunnel. Loopback is
  // the host talking to itself.
  out += "  chain off_tunnel {\n    type filter hook prerouting priority raw; policy accept;\n";
  out += "    iifname { \"lo\", " + tunnel + " } accept\n";
  out += "    ip saddr " + config.ipv4_subnet.network().str() + " drop\n";
  out += "    ip6 saddr " + config.ipv6_subnet.network().str() + " drop\n";
  out += "    ip daddr " + gw4 + " drop\n";
  out += "    ip6 daddr " + gw6 + " drop\n  }\n";

  // From the tunnel to the gateway itself: DNS, the admin API and ping on
  // the tunnel addresses; nothing else (no SSH, no other local service).
  out += "  chain input {\n    type filter hook input priority filter; policy accept;\n";
  out += "    iifname " + tunnel + " jump tunnel_to_gateway\n  }\n";
  out += "  chain tunnel_to_gateway {\n";
  out += "    ct state established,related accept\n";
  out += "    ip daddr " + gw4 + " udp dport 53 accept\n";
  out += "    ip daddr " + gw4 + " tcp dport " + tcp_ports + " accept\n";
  out += "    ip6 daddr " + gw6 + " udp dport 53 accept\n";
  out += "    ip6 daddr " + gw6 + " tcp dport " + tcp_ports + " accept\n";
  out += "    ip daddr " + gw4 + " icmp type echo-request accept\n";
  out += "    ip6 daddr " + gw6 + " icmpv6 type echo-request accept\n";
  out += "    drop\n  }\n";

  // Into the tunnel from anywhere else only as an answer; out of the tunnel
  // only to the uplink, or to another member when isolation allows it.
  out += "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  out += "    iifname " + tunnel + " jump from_tunnel\n";
  out += "    oifname " + tunnel + " ct state established,related accept\n";
  out += "    oifname " + tunnel + " drop\n  }\n";
  out += "  chain from_tunnel {\n";
  // Restriction comes first and also applies to answers, so narrowing a
  // device's destinations ends its existing flows too.
  out += "    ip saddr @restricted_v4 ip saddr . ip daddr != @reach_v4 drop\n";
  out += "    ip6 saddr @restricted_v6 ip6 saddr . ip6 daddr != @reach_v6 drop\n";
  out += "    oifname " + tunnel + " jump member_to_member\n";
  if (config.uplink) out += "    oifname " + quoted(*config.uplink) + " accept\n";
  out += "    drop\n  }\n";
  out += "  chain member_to_member {\n";
  out += "    ip saddr vmap @group_v4\n";
  out += "    ip6 saddr vmap @group_v6\n";
  out += config.member_to_member ? "    accept\n" : "    drop\n";
  out += "  }\n";

  if (config.uplink) {
    const auto uplink = quoted(*config.uplink);
    out += "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n";
    out += "    oifname " + uplink + " ip saddr " + config.ipv4_subnet.network().str() +
           " masquerade\n";
    if (config.masquerade_ipv6) {
      out += "    oifname " + uplink + " ip6 saddr " + config.ipv6_subnet.network().str() +
             " masquerade\n";
    }
    out += "  }\n";
  }
  out += "}\n";
  return out;
}

std::string add_device(const std::string& table, const FirewallDevice& device, bool new_group) {
  std::string out;
  if (new_group && device.group != 0) {
    out += "table inet " + table + " {\n" + group_definitions(device.group, {}, {}) + "}\n";
  }
  for (const auto& [name, elements] : elements_of(device)) {
    out += "add element inet " + table + " " + name + " { " + join(elements) + " }\n";
  }
  return out;
}

std::string remove_device(const std::string& table, const FirewallDevice& device) {
  std::string out;
  for (const auto& [name, elements] : elements_of(device)) {
    out += "delete element inet " + table + " " + name + " { " + join(elements) + " }\n";
  }
  return out;
}

std::string delete_table(const std::string& table) {
  return "delete table inet " + table + "\n";
}

}  // namespace picket::gateway::ruleset
