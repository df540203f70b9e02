#include <catch2/catch.hpp>

#include "picket/gateway/plan.hpp"
#include "uapi/codec.hpp"

using namespace picket::gateway;

namespace {

KeyBytes filled(std::uint8_t b) {
  KeyBytes k;
  k.fill(b);
  return k;
}

const std::string k11(64, '1');  // ERERERERERERERERERERERERERERERERERERERERERE=
const std::string k22(64, '2');  // IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=
const std::string k33(64, '3');  // MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=
const std::string kaa(64, 'a');  // qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=

PeerChange peer(std::uint8_t b) {
  PeerChange p;
  p.public_key = Key(filled(b));
  return p;
}

}  // namespace

TEST_CASE("uapi encode: device settings", "[uapi]") {
  // wg set wg0 private-key <(echo qqqq…qqo=) listen-port 51820
  DeviceChange c;
  c.private_key = SecretKey(filled(0xaa));
  c.listen_port = 51820;
  CHECK(uapi::encode_set(c) ==
        "set=1\n"
        "private_key=" +
            kaa +
            "\n"
            "listen_port=51820\n"
            "\n");
}

TEST_CASE("uapi encode: add a peer with everything", "[uapi]") {
  // wg set wg0 peer ERER…RE= preshared-key <(echo IiIi…iI=) persistent-keepalive 25
  //   allowed-ips 10.77.0.2/32,fd77:77::2/128
  PeerChange p = peer(0x11);
  p.preshared_key = SecretKey(filled(0x22));
  p.persistent_keepalive = 25;
  p.replace_allowed_ips = true;
  p.allowed_ips = {Cidr::parse("10.77.0.2/32"), Cidr::parse("fd77:77::2/128")};
  DeviceChange c;
  c.peers.push_back(p);
  CHECK(uapi::encode_set(c) ==
        "set=1\n"
        "public_key=" +
            k11 +
            "\n"
            "preshared_key=" +
            k22 +
            "\n"
            "persistent_keepalive_interval=25\n"
            "replace_allowed_ips=true\n"
            "allowed_ip=10.77.0.2/32\n"
            "allowed_ip=fd77:77::2/128\n"
            "\n");
}

TEST_CASE("uapi encode: update only, then remove", "[uapi]") {
  // wg set wg0 peer ERER…RE= persistent-keepalive off preshared-key /dev/null
  //   peer IiIi…iI= remove
  // plus update_only, which wg itself never sends: it keeps a peer removed
  // meanwhile from coming back.
  PeerChange upd = peer(0x11);
  upd.update_only = true;
  upd.persistent_keepalive = 0;
  upd.preshared_key = SecretKey{};
  PeerChange rm = peer(0x22);
  rm.remove = true;
  rm.allowed_ips = {Cidr::parse("10.0.0.1/32")};  // ignored for a removal
  DeviceChange c;
  c.peers = {upd, rm};
  CHECK(uapi::encode_set(c) ==
        "set=1\n"
        "public_key=" +
            k11 +
            "\n"
            "update_only=true\n"
            "preshared_key=" +
            std::string(64, '0') +
            "\n"
            "persistent_keepalive_interval=0\n"
            "public_key=" +
            k22 +
            "\n"
            "remove=true\n"
            "\n");
}

TEST_CASE("uapi encode: replace peers and clear allowed IPs", "[uapi]") {
  // wg setconf wg0 <file with ListenPort = 1 and one [Peer] MzMz…zM= without AllowedIPs>
  DeviceChange c;
  c.listen_port = 1;
  c.replace_peers = true;
  PeerChange p = peer(0x33);
  p.replace_allowed_ips = true;
  c.peers.push_back(p);
  CHECK(uapi::encode_set(c) ==
        "set=1\n"
        "listen_port=1\n"
        "replace_peers=true\n"
        "public_key=" +
            k33 +
            "\n"
            "replace_allowed_ips=true\n"
            "\n");
}

TEST_CASE("uapi encode: empty change sends nothing", "[uapi]") {
  CHECK(uapi::encode_set_requests(DeviceChange{}).empty());
  CHECK(uapi::encode_set(DeviceChange{}) == "set=1\n\n");
}

TEST_CASE("uapi encode: large changes are split", "[uapi]") {
  // wg set wg0 listen-port 7 peer ERER…RE= allowed-ips 10.0.0.1/32 peer IiIi…iI= remove
  //   peer MzMz…zM= allowed-ips 10.0.0.3/32   -- sent two peers at a time
  DeviceChange c;
  c.listen_port = 7;
  c.replace_peers = true;
  PeerChange a = peer(0x11);
  a.allowed_ips = {Cidr::parse("10.0.0.1/32")};
  PeerChange b = peer(0x22);
  b.remove = true;
  PeerChange d = peer(0x33);
  d.allowed_ips = {Cidr::parse("10.0.0.3/32")};
  c.peers = {a, b, d};
  const auto requests = uapi::encode_set_requests(c, 2);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0] ==
        "set=1\n"
        "listen_port=7\n"
        "replace_peers=true\n"
        "public_key=" +
            k11 +
            "\n"
            "allowed_ip=10.0.0.1/32\n"
            "public_key=" +
            k22 +
            "\n"
            "remove=true\n"
            "\n");
  CHECK(requests[1] ==
        "set=1\n"
        "public_key=" +
            k33 +
            "\n"
            "allowed_ip=10.0.0.3/32\n"
            "\n");

  // 2,500 peers with the default limit: 1,000 + 1,000 + 500, and only the
  // first request may replace the peer list.
  DeviceChange big;
  big.replace_peers = true;
  for (int i = 0; i < 2500; ++i) big.peers.push_back(peer(static_cast<std::uint8_t>(i)));
  const auto parts = uapi::encode_set_requests(big);
  REQUIRE(parts.size() == 3);
  auto count = [](const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
    return n;
  };
  CHECK(count(parts[0], "public_key=") == 1000);
  CHECK(count(parts[1], "public_key=") == 1000);
  CHECK(count(parts[2], "public_key=") == 500);
  CHECK(count(parts[0], "replace_peers=true") == 1);
  CHECK(count(parts[1], "replace_peers") == 0);
  CHECK(count(parts[2], "replace_peers") == 0);
  for (const auto& part : parts) {
    CHECK(part.starts_with("set=1\n"));
    CHECK(part.ends_with("\n\n"));
  }
}
