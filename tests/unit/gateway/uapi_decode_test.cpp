#include <catch2/catch.hpp>

#include "picket/gateway/error.hpp"
#include "uapi/codec.hpp"

using namespace picket::gateway;

namespace {

const std::string k11(64, '1');
const std::string k22(64, '2');
const std::string kaa(64, 'a');
const std::string zero(64, '0');

// What wireguard-go v0.0.20220316 answers to get=1 for an interface with two
// peers, one of which has a session.
const std::string golden = "private_key=" + kaa +
                           "\n"
                           "listen_port=51820\n"
                           "fwmark=51820\n"
                           "public_key=" +
                           k11 +
                           "\n"
                           "preshared_key=" +
                           k22 +
                           "\n"
                           "protocol_version=1\n"
                           "endpoint=192.0.2.7:40123\n"
                           "last_handshake_time_sec=1700000000\n"
                           "last_handshake_time_nsec=123456789\n"
                           "tx_bytes=1024\n"
                           "rx_bytes=2048\n"
                           "persistent_keepalive_interval=25\n"
                           "allowed_ip=10.77.0.2/32\n"
                           "allowed_ip=fd77:77::2/128\n"
                           "public_key=" +
                           k22 +
                           "\n"
                           "preshared_key=" +
                           zero +
                           "\n"
                           "protocol_version=1\n"
                           "last_handshake_time_sec=0\n"
                           "last_handshake_time_nsec=0\n"
                           "tx_bytes=0\n"
                           "rx_bytes=0\n"
                           "persistent_keepalive_interval=0\n"
                           "errno=0\n"
                           "\n";

}  // namespace

TEST_CASE("uapi decode: golden get reply", "[uapi]") {
  const DeviceSnapshot s = uapi::decode_get(golden);
  REQUIRE(s.private_key);
  CHECK(s.private_key->hex() == kaa);
  CHECK(s.listen_port == 51820);
  REQUIRE(s.peers.size() == 2);
  const PeerState& a = s.peers[0];
  CHECK(a.config.public_key.hex() == k11);
  REQUIRE(a.config.preshared_key);
  CHECK(a.config.preshared_key->hex() == k22);
  CHECK(a.config.persistent_keepalive == 25);
  CHECK(a.config.allowed_ips ==
        std::vector<Cidr>{Cidr::parse("10.77.0.2/32"), Cidr::parse("fd77:77::2/128")});
  CHECK(a.stats.endpoint == std::optional<std::string>("192.0.2.7:40123"));
  CHECK(a.stats.last_handshake_unix == 1700000000);
  CHECK(a.stats.tx_bytes == 1024);
  CHECK(a.stats.rx_bytes == 2048);
  const PeerState& b = s.peers[1];
  CHECK(b.config.public_key.hex() == k22);
  CHECK_FALSE(b.config.preshared_key);
  CHECK_FALSE(b.stats.endpoint);
  CHECK(b.config.allowed_ips.empty());
}

TEST_CASE("uapi decode: empty interface and unknown keys", "[uapi]") {
  const DeviceSnapshot s = uapi::decode_get("listen_port=0\nsome_new_key=x\nerrno=0\n\n");
  CHECK_FALSE(s.private_key);
  CHECK(s.listen_port == 0);
  CHECK(s.peers.empty());
  const DeviceSnapshot t = uapi::decode_get("public_key=" + k11 + "\nfuture=1\nerrno=0\n\n");
  CHECK(t.peers.size() == 1);
  // An all-zero private key means none.
  CHECK_FALSE(uapi::decode_get("private_key=" + zero + "\nerrno=0\n\n").private_key);
}

TEST_CASE("uapi decode: errors and hostile replies", "[uapi]") {
  CHECK_THROWS_WITH(uapi::decode_get("errno=-5\n\n"), Catch::Contains("errno=-5"));
  CHECK_THROWS_WITH(uapi::decode_get("errno=22\n\n"), Catch::Contains("errno=22"));

  const std::string peer = "public_key=" + k11 + "\n";
  const std::pair<const char*, std::string> bad[] = {
      {"empty", ""},
      {"no errno", "listen_port=1\n\n"},
      {"truncated", "listen_port=1\nerrno=0\n"},
      {"no blank line", "errno=0\n"},
      {"no '='", "listen_port\nerrno=0\n\n"},
      {"empty key", "=1\nerrno=0\n\n"},
      {"port too big", "listen_port=65536\nerrno=0\n\n"},
      {"negative port", "listen_port=-1\nerrno=0\n\n"},
      {"port with junk", "listen_port=80x\nerrno=0\n\n"},
      {"port with space", "listen_port= 80\nerrno=0\n\n"},
      {"empty number", "listen_port=\nerrno=0\n\n"},
      {"errno junk", "errno=zero\n\n"},
      {"data after errno", "errno=0\nlisten_port=1\n\n"},
      {"short key", "public_key=1111\nerrno=0\n\n"},
      {"base64 key", "public_key=ERERERERERERERERERERERERERERERERERERERERERE=\nerrno=0\n\n"},
      {"bad private key", "private_key=" + std::string(64, 'x') + "\nerrno=0\n\n"},
      {"peer key before peer", "allowed_ip=10.0.0.1/32\nerrno=0\n\n"},
      {"bad allowed ip", peer + "allowed_ip=10.0.0.1/33\nerrno=0\n\n"},
      {"allowed ip without prefix", peer + "allowed_ip=10.0.0.1\nerrno=0\n\n"},
      {"keepalive too big", peer + "persistent_keepalive_interval=70000\nerrno=0\n\n"},
      {"rx overflow", peer + "rx_bytes=18446744073709551616\nerrno=0\n\n"},
      {"duplicate peer", peer + peer + "errno=0\n\n"},
      {"long line", "endpoint=" + std::string(100000, 'a') + "\nerrno=0\n\n"},
  };
  for (const auto& [name, text] : bad) {
    INFO(name);
    CHECK_THROWS_AS(uapi::decode_get(text), Error);
  }
}

TEST_CASE("uapi decode: the peer count is bounded", "[uapi]") {
  std::string text;
  for (std::size_t i = 0; i <= uapi::kMaxPeers; ++i) {
    char hex[65];
    std::snprintf(hex, sizeof hex, "%064zx", i);
    text += "public_key=";
    text += hex;
    text += "\n";
  }
  text += "errno=0\n\n";
  CHECK_THROWS_WITH(uapi::decode_get(text), Catch::Contains("too many peers"));
}

TEST_CASE("uapi decode: set replies", "[uapi]") {
  CHECK_NOTHROW(uapi::check_set_reply("errno=0\n\n"));
  CHECK_THROWS_WITH(uapi::check_set_reply("errno=-22\n\n"), Catch::Contains("errno=-22"));
  CHECK_THROWS_AS(uapi::check_set_reply("errno=0\n"), Error);
  CHECK_THROWS_AS(uapi::check_set_reply(""), Error);
  CHECK_THROWS_AS(uapi::check_set_reply("ok\n\n"), Error);
  CHECK_THROWS_AS(uapi::check_set_reply("errno=0\nx=1\n\n"), Error);
}
