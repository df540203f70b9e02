// Reading WG_CMD_GET_DEVICE replies: a device spread over messages, a peer
// cut in the middle of its allowed IPs, and malformed input.

#include <arpa/inet.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "netlink/attributes.hpp"
#include "netlink/wg_dump.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway;
using namespace picket::gateway::netlink;

namespace {

KeyBytes filled(std::uint8_t b) {
  KeyBytes bytes;
  bytes.fill(b);
  return bytes;
}

void put_ip(MessageWriter& w, const char* text) {
  const Cidr cidr = Cidr::parse(text);
  const std::size_t nest = w.begin_nest(0);
  w.put_u16(WGALLOWEDIP_A_FAMILY, cidr.address.is_v4() ? AF_INET : AF_INET6);
  w.put(WGALLOWEDIP_A_IPADDR, std::span(cidr.address.bytes.data(), cidr.address.size()));
  w.put_u8(WGALLOWEDIP_A_CIDR_MASK, cidr.prefix);
  w.end_nest(nest);
}

// The attributes of a finished message, as the transport hands them over.
Bytes body(MessageWriter& w) {
  Bytes all = w.finish();
  return Bytes(all.begin() + kGenlHeaderSize, all.end());
}

}  // namespace

TEST_CASE("netlink dump: a device over two messages, one peer cut in two", "[netlink]") {
  MessageWriter first(0x22, 0, WG_CMD_GET_DEVICE, 1);
  first.put_u32(WGDEVICE_A_IFINDEX, 7);
  first.put_string(WGDEVICE_A_IFNAME, "wg0");
  first.put(WGDEVICE_A_PRIVATE_KEY, filled(0x40));
  first.put(WGDEVICE_A_PUBLIC_KEY, filled(0x41));
  first.put_u16(WGDEVICE_A_LISTEN_PORT, 51820);
  std::size_t peers = first.begin_nest(WGDEVICE_A_PEERS);
  std::size_t p = first.begin_nest(0);
  first.put(WGPEER_A_PUBLIC_KEY, filled(0x11));
  first.put(WGPEER_A_PRESHARED_KEY, filled(0));  // none: the kernel sends zeros
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(40000);
  inet_pton(AF_INET, "192.0.2.9", &sa.sin_addr);
  first.put(WGPEER_A_ENDPOINT, std::span(reinterpret_cast<const std::uint8_t*>(&sa), sizeof sa));
  first.put_u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
  __kernel_timespec ts{1700000000, 5};
  first.put(WGPEER_A_LAST_HANDSHAKE_TIME,
            std::span(reinterpret_cast<const std::uint8_t*>(&ts), sizeof ts));
  const std::uint64_t rx = 1234;
  first.put(WGPEER_A_RX_BYTES, std::span(reinterpret_cast<const std::uint8_t*>(&rx), 8));
  std::size_t ips = first.begin_nest(WGPEER_A_ALLOWEDIPS);
  put_ip(first, "10.77.0.2/32");
  first.end_nest(ips);
  first.end_nest(p);
  first.end_nest(peers);

  MessageWriter second(0x22, 0, WG_CMD_GET_DEVICE, 1);
  second.put_string(WGDEVICE_A_IFNAME, "wg0");
  peers = second.begin_nest(WGDEVICE_A_PEERS);
  p = second.begin_nest(0);
  second.put(WGPEER_A_PUBLIC_KEY, filled(0x11));  // the same peer, continued
  ips = second.begin_nest(WGPEER_A_ALLOWEDIPS);
  put_ip(second, "fd77:77::2/128");
  second.end_nest(ips);
  second.end_nest(p);
  p = second.begin_nest(0);
  second.put(WGPEER_A_PUBLIC_KEY, filled(0x22));
  second.put(WGPEER_A_PRESHARED_KEY, filled(0x33));
  second.end_nest(p);
  second.end_nest(peers);

  DumpMerger merger;
  merger.add(body(first));
  merger.add(body(second));
  const DeviceSnapshot snap = merger.take();
  REQUIRE(snap.private_key);
  CHECK(*snap.private_key == SecretKey(filled(0x40)));
  CHECK(snap.listen_port == 51820);
  REQUIRE(snap.peers.size() == 2);
  const PeerState& a = snap.peers[0];
  CHECK(a.config.public_key == Key(filled(0x11)));
  CHECK_FALSE(a.config.preshared_key);
  CHECK(a.config.persistent_keepalive == 25);
  CHECK(a.config.allowed_ips ==
        std::vector<Cidr>{Cidr::parse("10.77.0.2/32"), Cidr::parse("fd77:77::2/128")});
  CHECK(a.stats.endpoint == "192.0.2.9:40000");
  CHECK(a.stats.last_handshake_unix == 1700000000);
  CHECK(a.stats.rx_bytes == 1234);
  const PeerState& b = snap.peers[1];
  CHECK(b.config.public_key == Key(filled(0x22)));
  CHECK(b.config.preshared_key == SecretKey(filled(0x33)));
  CHECK(b.config.allowed_ips.empty());
  CHECK_FALSE(b.stats.endpoint);
}

TEST_CASE("netlink dump: malformed replies are refused", "[netlink]") {
  SECTION("an attribute longer than the message") {
    const Bytes bad = {0x40, 0x00, 0x06, 0x00, 0x01, 0x02};
    DumpMerger merger;
    CHECK_THROWS_AS(merger.add(bad), Error);
  }
  SECTION("a key of the wrong size") {
    MessageWriter w(0x22, 0, WG_CMD_GET_DEVICE, 1);
    const std::uint8_t short_key[31] = {};
    w.put(WGDEVICE_A_PRIVATE_KEY, short_key);
    DumpMerger merger;
    CHECK_THROWS_WITH(merger.add(body(w)), Catch::Contains("private key"));
  }
  SECTION("an IPv4 prefix longer than 32") {
    MessageWriter w(0x22, 0, WG_CMD_GET_DEVICE, 1);
    const std::size_t peers = w.begin_nest(WGDEVICE_A_PEERS);
    const std::size_t p = w.begin_nest(0);
    w.put(WGPEER_A_PUBLIC_KEY, filled(1));
    const std::size_t ips = w.begin_nest(WGPEER_A_ALLOWEDIPS);
    const std::size_t ip = w.begin_nest(0);
    w.put_u16(WGALLOWEDIP_A_FAMILY, AF_INET);
    const std::uint8_t addr[4] = {10, 0, 0, 1};
    w.put(WGALLOWEDIP_A_IPADDR, addr);
    w.put_u8(WGALLOWEDIP_A_CIDR_MASK, 33);
    w.end_nest(ip);
    w.end_nest(ips);
    w.end_nest(p);
    w.end_nest(peers);
    DumpMerger merger;
    CHECK_THROWS_WITH(merger.add(body(w)), Catch::Contains("allowed IP"));
  }
}
