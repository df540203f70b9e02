#include "netlink/wg_dump.hpp"

#include <arpa/inet.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "netlink/attributes.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::netlink {
namespace {

[[noreturn]] void malformed(std::string_view what) {
  throw Error("malformed WireGuard reply from the kernel: " + std::string(what));
}

KeyBytes key_bytes(const Attribute& a, std::string_view what) {
  if (a.payload.size() != kKeySize) malformed(what);
  KeyBytes k;
  std::memcpy(k.data(), a.payload.data(), k.size());
  return k;
}

// The same text wireguard-go's UAPI gives, so stats read alike on every backend.
std::optional<std::string> endpoint(const Attribute& a) {
  char host[INET6_ADDRSTRLEN] = {};
  if (a.payload.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sa;
    std::memcpy(&sa, a.payload.data(), sizeof sa);
    if (sa.sin6_family == AF_INET6 && inet_ntop(AF_INET6, &sa.sin6_addr, host, sizeof host))
      return "[" + std::string(host) + "]:" + std::to_string(ntohs(sa.sin6_port));
  }
  if (a.payload.size() >= sizeof(sockaddr_in)) {
    sockaddr_in sa;
    std::memcpy(&sa, a.payload.data(), sizeof sa);
    if (sa.sin_family == AF_INET && inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host))
      return std::string(host) + ":" + std::to_string(ntohs(sa.sin_port));
  }
  return std::nullopt;  // no endpoint yet: the kernel sends an empty sockaddr
}

Cidr allowed_ip(std::span<const std::uint8_t> nested) {
  std::optional<std::uint16_t> family;
  std::span<const std::uint8_t> addr;
  std::optional<std::uint8_t> mask;
  for (const Attribute& a : parse_attributes(nested)) {
    if (a.type == WGALLOWEDIP_A_FAMILY) family = a.u16();
    if (a.type == WGALLOWEDIP_A_IPADDR) addr = a.payload;
    if (a.type == WGALLOWEDIP_A_CIDR_MASK) mask = a.u8();
  }
  Cidr cidr;
  if (family == AF_INET && addr.size() == 4 && mask && *mask <= 32) {
    cidr.address.family = IpAddress::Family::v4;
  } else if (family == AF_INET6 && addr.size() == 16 && mask && *mask <= 128) {
    cidr.address.family = IpAddress::Family::v6;
  } else {
    malformed("allowed IP");
  }
  std::memcpy(cidr.address.bytes.data(), addr.data(), addr.size());
  cidr.prefix = *mask;
  return cidr;
}

PeerState peer(std::span<const std::uint8_t> nested) {
  PeerState p;
  bool has_key = false;
  for (const Attribute& a : parse_attributes(nested)) {
    switch (a.type) {
      case WGPEER_A_PUBLIC_KEY:
        p.config.public_key = Key(key_bytes(a, "peer public key"));
        has_key = true;
        break;
      case WGPEER_A_PRESHARED_KEY: {
        SecretKey psk(key_bytes(a, "preshared key"));
        if (!psk.is_zero()) p.config.preshared_key = psk;
        break;
      }
      case WGPEER_A_ENDPOINT:
        p.stats.endpoint = endpoint(a);
        break;
      case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
        p.config.persistent_keepalive = a.u16().value_or(0);
        break;
      case WGPEER_A_LAST_HANDSHAKE_TIME: {
        __kernel_timespec ts{};
        if (a.payload.size() != sizeof ts) malformed("handshake time");
        std::memcpy(&ts, a.payload.data(), sizeof ts);
        p.stats.last_handshake_unix = ts.tv_sec;
        break;
      }
      case WGPEER_A_RX_BYTES:
        p.stats.rx_bytes = a.u64().value_or(0);
        break;
      case WGPEER_A_TX_BYTES:
        p.stats.tx_bytes = a.u64().value_or(0);
        break;
      case WGPEER_A_ALLOWEDIPS:
        for (const Attribute& ip : parse_attributes(a.payload))
          p.config.allowed_ips.push_back(allowed_ip(ip.payload));
        break;
      default:
        break;  // newer kernels may add attributes
    }
  }
  if (!has_key) malformed("peer without a public key");
  return p;
}

}  // namespace

void DumpMerger::add(std::span<const std::uint8_t> attributes) {
  for (const Attribute& a : parse_attributes(attributes)) {
    switch (a.type) {
      case WGDEVICE_A_PRIVATE_KEY: {
        SecretKey key(key_bytes(a, "private key"));
        if (!key.is_zero()) snapshot_.private_key = key;
        break;
      }
      case WGDEVICE_A_LISTEN_PORT:
        snapshot_.listen_port = a.u16().value_or(0);
        break;
      case WGDEVICE_A_PEERS:
        for (const Attribute& nested : parse_attributes(a.payload)) {
          PeerState p = peer(nested.payload);
          auto& peers = snapshot_.peers;
          // A continuation: the previous message ended inside this peer's
          // allowed IPs.
          if (!peers.empty() && peers.back().config.public_key == p.config.public_key) {
            auto& ips = peers.back().config.allowed_ips;
            ips.insert(ips.end(), p.config.allowed_ips.begin(), p.config.allowed_ips.end());
          } else {
            peers.push_back(std::move(p));
          }
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace picket::gateway::netlink
