// Golden bytes for the WireGuard generic netlink requests. Each case says
// which `wg` command sends the same thing. Family id 0x22 stands in for the
// id the kernel hands out at run time; sequence number and port id are
// filled in by the transport, so they are zero here.

#include <catch2/catch.hpp>
#include <string>

#include "helpers.hpp"
#include "netlink/attributes.hpp"
#include "netlink/wg_dump.hpp"
#include "netlink/wg_messages.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/plan.hpp"

using namespace picket::gateway;
using namespace picket::gateway::netlink;

namespace {

constexpr std::uint16_t kFamily = 0x22;

// "0a 4d" -> {0x0a, 0x4d}; spaces and line breaks are for the reader.
Bytes hex(const std::string& text) {
  Bytes out;
  std::string digits;
  for (char c : text)
    if (c != ' ' && c != '\n') digits += c;
  REQUIRE(digits.size() % 2 == 0);
  for (std::size_t i = 0; i < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return out;
}

// 32 times the byte `b`, in hex: a key in the expected bytes.
std::string k(unsigned b) {
  std::string one = (b < 16 ? "0" : "") + [&] {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%x", b);
    return std::string(buf);
  }();
  std::string out;
  for (int i = 0; i < 32; ++i) out += one;
  return out + " ";
}

KeyBytes filled(std::uint8_t b) {
  KeyBytes bytes;
  bytes.fill(b);
  return bytes;
}

PeerChange peer(std::uint8_t b) {
  PeerChange p;
  p.public_key = Key(filled(b));
  return p;
}

// An IPv4 /32 or /24 allowed IP, the way every case below spells it:
// nest, family AF_INET, address, prefix length.
std::string v4(const std::string& addr_hex, const std::string& mask_hex) {
  return "1c000080 06000100 02000000 08000200 " + addr_hex + " 05000300 " + mask_hex + "000000 ";
}

}  // namespace

TEST_CASE("netlink build: get request", "[netlink]") {
  // wg show wg0 dump
  CHECK(build_get_request(kFamily, "wg0") ==
        hex("1c000000 2200 0503 00000000 00000000"  // len 28, REQUEST|ACK|DUMP
            "00 01 0000"                            // WG_CMD_GET_DEVICE, version 1
            "08000200 77673000"));                  // WGDEVICE_A_IFNAME "wg0"
}

TEST_CASE("netlink build: remove a peer", "[netlink]") {
  // wg set wg0 peer ERERERERERERERERERERERERERERERERERERERERERE= remove
  PeerChange p = peer(0x11);
  p.remove = true;
  DeviceChange c;
  c.peers.push_back(p);
  const auto messages = build_set_messages(kFamily, "wg0", c);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == hex("50000000 2200 0500 00000000 00000000"  // len 80, REQUEST|ACK
                           "01 01 0000"                            // WG_CMD_SET_DEVICE
                           "08000200 77673000"                     // IFNAME "wg0"
                           "34000880"                              // WGDEVICE_A_PEERS
                           "30000080"                              //   peer
                           "24000100" +
                           k(0x11) +               //     WGPEER_A_PUBLIC_KEY
                           "08000300 01000000"));  //     FLAGS REMOVE_ME
}

TEST_CASE("netlink build: device settings and a peer with everything", "[netlink]") {
  // wg set wg0 private-key <(echo qqqq…qqo=) listen-port 51820
  //   peer ERER…RE= preshared-key <(echo IiIi…iI=) persistent-keepalive 25
  //   allowed-ips 10.77.0.2/32,fd77:77::2/128
  PeerChange p = peer(0x11);
  p.preshared_key = SecretKey(filled(0x22));
  p.persistent_keepalive = 25;
  p.replace_allowed_ips = true;
  p.allowed_ips = {Cidr::parse("10.77.0.2/32"), Cidr::parse("fd77:77::2/128")};
  DeviceChange c;
  c.private_key = SecretKey(filled(0xaa));
  c.listen_port = 51820;
  c.peers.push_back(p);
  const auto messages = build_set_messages(kFamily, "wg0", c);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == hex("f0000000 2200 0500 00000000 00000000"  // len 240
                           "01 01 0000"
                           "08000200 77673000"  // IFNAME
                           "24000300" +
                           k(0xaa) +             // WGDEVICE_A_PRIVATE_KEY
                           "06000600 6cca 0000"  // LISTEN_PORT 51820, padded
                           "a8000880"            // PEERS
                           "a4000080"            //   peer
                           "24000100" +
                           k(0x11) +            //     PUBLIC_KEY
                           "08000300 02000000"  //     FLAGS REPLACE_ALLOWEDIPS
                           "24000200" +
                           k(0x22) +                     //     PRESHARED_KEY
                           "06000500 1900 0000"          //     PERSISTENT_KEEPALIVE_INTERVAL 25
                           "48000980" +                  //     ALLOWEDIPS
                           v4("0a4d0002", "20") +        //       10.77.0.2/32
                           "28000080 06000100 0a000000"  //       AF_INET6
                           "14000200 fd770077000000000000000000000002"  // fd77:77::2
                           "05000300 80000000"));                       //       /128
}

TEST_CASE("netlink build: update only, keepalive off, preshared key cleared", "[netlink]") {
  // wg set wg0 peer ERER…RE= preshared-key /dev/null persistent-keepalive off
  // (with WGPEER_F_UPDATE_ONLY, which wg cannot express: do not create it)
  PeerChange p = peer(0x11);
  p.update_only = true;
  p.preshared_key = SecretKey{};
  p.persistent_keepalive = 0;
  DeviceChange c;
  c.peers.push_back(p);
  const auto messages = build_set_messages(kFamily, "wg0", c);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == hex("7c000000 2200 0500 00000000 00000000"  // len 124
                           "01 01 0000"
                           "08000200 77673000"
                           "60000880"
                           "5c000080"
                           "24000100" +
                           k(0x11) +
                           "08000300 04000000"  // FLAGS UPDATE_ONLY
                           "24000200" +
                           k(0x00) +                // PRESHARED_KEY all zero: remove it
                           "06000500 0000 0000"));  // keepalive 0: off
}

TEST_CASE("netlink build: a change split over three messages", "[netlink]") {
  // wg setconf wg0 <file with three peers> where the kernel takes at most 256
  // bytes per message:
  //   [Peer] PublicKey = ERER…  AllowedIPs = 10.0.0.1/32, …, 10.0.0.7/32
  //   [Peer] PublicKey = IiIi…  AllowedIPs = 10.0.1.0/24
  //   [Peer] PublicKey = MzMz…  PresharedKey = RERE…  PersistentKeepalive = 25
  //          AllowedIPs = 10.0.2.0/24
  DeviceChange c;
  c.replace_peers = true;
  PeerChange a = peer(0x11);
  for (int i = 1; i <= 7; ++i)
    a.allowed_ips.push_back(Cidr::parse("10.0.0." + std::to_string(i) + "/32"));
  PeerChange b = peer(0x22);
  b.allowed_ips = {Cidr::parse("10.0.1.0/24")};
  PeerChange cc = peer(0x33);
  cc.preshared_key = SecretKey(filled(0x44));
  cc.persistent_keepalive = 25;
  cc.allowed_ips = {Cidr::parse("10.0.2.0/24")};
  c.peers = {a, b, cc};

  const auto messages = build_set_messages(kFamily, "wg0", c, 256);
  REQUIRE(messages.size() == 3);
  // 1: the device flag, then peer A until its 7th address no longer fits.
  CHECK(messages[0] == hex("fc000000 2200 0500 00000000 00000000"  // len 252
                           "01 01 0000"
                           "08000200 77673000"
                           "08000500 01000000"  // WGDEVICE_A_FLAGS REPLACE_PEERS
                           "d8000880"           // PEERS
                           "d4000080"           //   peer A
                           "24000100" +
                           k(0x11) + "ac000980" +  //     ALLOWEDIPS: 6 of 7
                           v4("0a000001", "20") + v4("0a000002", "20") + v4("0a000003", "20") +
                           v4("0a000004", "20") + v4("0a000005", "20") + v4("0a000006", "20")));
  // 2: no device attributes; peer A continues with its key and the rest of
  // its addresses only, then all of peer B.
  CHECK(messages[1] == hex("b0000000 2200 0500 00000000 00000000"  // len 176
                           "01 01 0000"
                           "08000200 77673000"
                           "94000880"
                           "48000080"
                           "24000100" +
                           k(0x11) + "20000980" + v4("0a000007", "20") +  // 10.0.0.7/32
                           "48000080"
                           "24000100" +
                           k(0x22) + "20000980" + v4("0a000100", "18")));  // 10.0.1.0/24
  // 3: peer C does not fit after B, so it starts a message of its own whole.
  CHECK(messages[2] == hex("94000000 2200 0500 00000000 00000000"  // len 148
                           "01 01 0000"
                           "08000200 77673000"
                           "78000880"
                           "74000080"
                           "24000100" +
                           k(0x33) + "24000200" + k(0x44) +
                           "06000500 1900 0000"
                           "20000980" +
                           v4("0a000200", "18")));
}

TEST_CASE("netlink build: a cut update-only peer stays update-only", "[netlink]") {
  PeerChange p = peer(0x11);
  p.update_only = true;
  p.replace_allowed_ips = true;
  for (int i = 1; i <= 20; ++i)
    p.allowed_ips.push_back(Cidr::parse("10.0.0." + std::to_string(i) + "/32"));
  DeviceChange c;
  c.peers = {p};
  // 6 addresses fit per 256-byte message: 6 + 6 + 6 + 2.
  const auto messages = build_set_messages(kFamily, "wg0", c, 256);
  REQUIRE(messages.size() == 4);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto top = parse_attributes(std::span(messages[i]).subspan(kGenlHeaderSize));
    REQUIRE(top.size() == 2);  // IFNAME, PEERS
    const auto peers = parse_attributes(top[1].payload);
    REQUIRE(peers.size() == 1);
    const auto attrs = parse_attributes(peers[0].payload);
    REQUIRE(attrs.size() == 3);  // key, flags, allowed IPs
    // REPLACE_ALLOWEDIPS only in the first part, or it would wipe the
    // addresses the earlier parts added.
    CHECK(attrs[1].u32() == (i == 0 ? 2u | 4u : 4u));
  }
}

TEST_CASE("netlink build: thousands of peers stay within the limit and add up", "[netlink]") {
  DesiredInterface want;
  want.private_key = test::test_secret(1);
  want.listen_port = 51820;
  want.peers = test::test_peers(0, 3000);
  for (std::size_t i = 0; i < want.peers.size(); i += 100) {
    // A few peers with long address lists, to be cut between messages.
    for (unsigned j = 0; j < 300; ++j)
      want.peers[i].allowed_ips.push_back(
          Cidr{nth_address(Cidr::parse("172.16.0.0/12"), (i / 100) * 300 + j), 32});
  }
  const DeviceChange change = plan(want, DeviceSnapshot{});
  const auto messages = build_set_messages(kFamily, "pk0", change);
  CHECK(messages.size() > 10);

  DumpMerger merged;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    CHECK(messages[i].size() <= kDefaultMaxMessageSize);
    const auto span = std::span(messages[i]).subspan(kGenlHeaderSize);
    std::size_t device_attrs = 0;
    for (const Attribute& a : parse_attributes(span))
      if (a.type != 2 && a.type != 8) ++device_attrs;  // not IFNAME or PEERS
    CHECK(device_attrs == (i == 0 ? 2u : 0u));         // private key and port, first only
    merged.add(span);
  }
  CHECK(merged.snapshot().listen_port == 51820);
  CHECK(test::canonical(merged.snapshot()) == test::canonical(want.peers));
}

TEST_CASE("netlink build: bad limits and names are refused", "[netlink]") {
  DeviceChange c;
  c.peers.push_back(peer(1));
  CHECK_THROWS_WITH(build_set_messages(kFamily, "wg0", c, 100), Catch::Contains("below"));
  CHECK_THROWS_AS(build_set_messages(kFamily, "", c), Error);
  CHECK_THROWS_AS(build_set_messages(kFamily, "sixteen-chars-xx", c), Error);
  CHECK(build_set_messages(kFamily, "wg0", DeviceChange{}).empty());
}
