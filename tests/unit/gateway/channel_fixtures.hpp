#pragma once

// Gateway states and changes with every field set to something other than
// its default, for the channel tests.

#include "helpers.hpp"
#include "picket/gateway/state.hpp"

namespace picket::gateway::test {

inline NodePeer channel_peer(unsigned n) {
  NodePeer peer;
  peer.wireguard = test_peer(n);
  peer.wireguard.persistent_keepalive = static_cast<std::uint16_t>(n % 2 == 0 ? 25 : 0);
  // Alternate the optional parts so both forms are covered.
  if (n % 2 == 0) peer.wireguard.preshared_key = test_secret(1000 + n);
  peer.firewall.ipv4 = peer.wireguard.allowed_ips[0].address;
  peer.firewall.ipv6 = peer.wireguard.allowed_ips[1].address;
  if (n % 2 == 0)
    peer.firewall.restricted_to =
        std::vector<Cidr>{Cidr::parse("192.168.5.0/24"), Cidr::parse("2001:db8::/32")};
  peer.firewall.group = n;
  peer.dns_name = "d" + std::to_string(n) + ".m" + std::to_string(n);
  peer.dns_scopes = {n, n + 1};
  return peer;
}

inline DnsConfig channel_dns() {
  DnsConfig dns;
  dns.upstream.mode = dns::UpstreamConfig::Mode::plain;
  dns.upstream.servers = {"192.0.2.53", "2001:db8::53@5353"};
  dns.upstream.dnssec = false;
  dns.upstream.msg_cache_bytes = 1 << 20;
  dns.upstream.rrset_cache_bytes = 3 << 20;
  dns.block_answer = dns::BlockAnswer::null_address;
  dns.blocklist_files = {"/etc/picket/ads.txt"};
  dns.zone = "vpn.example";
  dns.open_directory = true;
  return dns;
}

inline GatewayState channel_state(unsigned peers) {
  GatewayState state;
  state.private_key = test_secret(1);
  state.listen_port = 51999;
  state.link.mtu = 1380;
  state.link.addresses = {Cidr::parse("10.77.0.1/16"), Cidr::parse("fd77:77::1/64")};
  state.member_to_member = true;
  state.dns = channel_dns();
  for (unsigned n = 0; n < peers; ++n) state.peers.push_back(channel_peer(n));
  return state;
}

inline GatewayChange channel_change(unsigned n) {
  GatewayChange change;
  change.put = {channel_peer(n), channel_peer(n + 1)};
  change.remove = {test_key(500 + n)};
  change.listen_port = 51821;
  change.link = LinkSettings{1400, {Cidr::parse("10.78.0.1/24")}};
  change.member_to_member = false;
  change.dns = channel_dns();
  return change;
}

}  // namespace picket::gateway::test
