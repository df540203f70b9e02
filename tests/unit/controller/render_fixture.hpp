#pragma once

#include <cstdio>
#include <string>

#include "picket/controller/render.hpp"

namespace picket::controller::test {

// Keys are byte ramps (seed, seed+1, …) so the expected base64 can be
// checked by hand: python3 -c "import base64; print(base64.b64encode(bytes(range(1,33))))"
inline gateway::KeyBytes ramp(std::uint8_t seed) {
  gateway::KeyBytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i);
  return bytes;
}

inline ClientConfig design_config() {
  ClientConfig config;
  config.private_key = gateway::SecretKey(ramp(1));
  config.ipv4 = gateway::IpAddress::parse("10.77.0.2");
  config.ipv6 = gateway::IpAddress::parse("fd77:77::2");
  config.dns = {gateway::IpAddress::parse("10.77.0.1"), gateway::IpAddress::parse("fd77:77::1")};
  config.server_public_key = gateway::Key(ramp(64));
  config.preshared_key = gateway::SecretKey(ramp(128));
  config.endpoint = "vpn.example.org:51820";
  config.allowed_ips = {gateway::Cidr::parse("0.0.0.0/0"), gateway::Cidr::parse("::/0")};
  return config;
}

// The largest config Picket produces: every optional line, IPv6 addresses
// at the top of a /16-sized range, ten split-tunnel prefixes mixing both
// families, and a long endpoint name.
inline ClientConfig largest_config() {
  ClientConfig config = design_config();
  config.ipv4 = gateway::IpAddress::parse("10.77.255.254");
  config.ipv6 = gateway::IpAddress::parse("fd77:7777:7777:7777::fffe");
  config.dns = {gateway::IpAddress::parse("10.77.0.1"),
                gateway::IpAddress::parse("fd77:7777:7777:7777::1")};
  config.mtu = 1280;
  config.keepalive = 25;
  config.endpoint =
      "gateway-eu-central-1.organizing-committee.very-long-union-domain-name.example.org:51820";
  config.allowed_ips.clear();
  for (const char* cidr :
       {"10.77.0.0/16", "192.168.100.0/24", "172.16.0.0/12", "100.64.0.0/10", "198.51.100.0/24",
        "203.0.113.0/24", "fd77:7777:7777:7777::/64", "2001:db8:aaaa:bbbb::/64",
        "2001:db8:cccc:dddd:eeee::/80", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:0/112"}) {
    config.allowed_ips.push_back(gateway::Cidr::parse(cidr));
  }
  return config;
}

// The default config as a member gets it: full tunnel, both addresses, the
// gateway's resolvers, a preshared key, an endpoint of 30 characters.
inline ClientConfig default_config() {
  ClientConfig config = design_config();
  config.ipv4 = gateway::IpAddress::parse("10.77.0.254");
  config.ipv6 = gateway::IpAddress::parse("fd77:77::fe");
  config.endpoint = "vpn.union-local-1234.org:51820";
  return config;
}

// The longest config Picket can hand out with `split_entries` entries: each
// entry and every address at its longest text (39 characters for IPv6), four
// IPv6 DNS servers that the entries do not cover (so each adds a route), a
// 253-character endpoint host, MTU and keepalive at their widest.
inline ClientConfig worst_case_config(std::size_t split_entries) {
  ClientConfig config = design_config();
  config.ipv4 = gateway::IpAddress::parse("255.255.255.254");
  config.ipv6 = gateway::IpAddress::parse("fdff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
  config.dns.clear();
  for (int i = 1; i <= 4; ++i) {
    config.dns.push_back(
        gateway::IpAddress::parse("2001:ffff:ffff:ffff:ffff:ffff:ffff:fff" + std::to_string(i)));
  }
  config.mtu = 9000;
  config.keepalive = 65535;
  config.endpoint = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                    "." + std::string(61, 'd') + ":65535";
  config.allowed_ips.clear();
  for (std::size_t i = 0; i < split_entries; ++i) {
    char first[8];
    std::snprintf(first, sizeof first, "2%03zx", 0x100 + i);
    config.allowed_ips.push_back(
        gateway::Cidr::parse(std::string(first) + ":ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"));
  }
  return config;
}

}  // namespace picket::controller::test
