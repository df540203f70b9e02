#include <catch2/catch.hpp>
#include <string>

#include "channel_fixtures.hpp"
#include "picket/gateway/channel/codec.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;
using nlohmann::json;
using picket::gateway::test::channel_change;
using picket::gateway::test::channel_state;

namespace {

// The message a refused input gives, so a test can say which field it named.
std::string refusal(const std::function<void()>& decode) {
  try {
    decode();
  } catch (const ProtocolError& e) {
    return e.what();
  }
  FAIL("the input was accepted");
  return {};
}

std::string state_refusal(const json& j) {
  return refusal([&] { (void)decode_state(j); });
}

}  // namespace

TEST_CASE("channel codec: a full state round-trips every field", "[channel]") {
  const GatewayState state = channel_state(3);
  const json encoded = encode_state(state);
  const GatewayState back = decode_state(parse_json(encoded.dump()));
  CHECK(back.private_key == state.private_key);
  CHECK(back.listen_port == state.listen_port);
  CHECK(back.link == state.link);
  CHECK(back.member_to_member == state.member_to_member);
  CHECK(back.dns == state.dns);
  CHECK(back.peers == state.peers);
  // Both optional halves of a peer: with and without them.
  REQUIRE(back.peers.size() == 3);
  CHECK(back.peers[0].wireguard.preshared_key.has_value());
  CHECK_FALSE(back.peers[1].wireguard.preshared_key.has_value());
  CHECK(back.peers[0].firewall.restricted_to.has_value());
  CHECK_FALSE(back.peers[1].firewall.restricted_to.has_value());
}

TEST_CASE("channel codec: a state without DNS settings stays without", "[channel]") {
  GatewayState state = channel_state(0);
  state.dns.reset();
  const GatewayState back = decode_state(encode_state(state));
  CHECK_FALSE(back.dns.has_value());
  CHECK(back.peers.empty());
}

TEST_CASE("channel codec: every DNS mode and block answer round-trips", "[channel]") {
  using Mode = dns::UpstreamConfig::Mode;
  for (const Mode mode : {Mode::recursive, Mode::tls, Mode::plain, Mode::none}) {
    for (const auto answer : {dns::BlockAnswer::nxdomain, dns::BlockAnswer::null_address}) {
      GatewayState state = channel_state(1);
      state.dns->upstream.mode = mode;
      state.dns->block_answer = answer;
      CHECK(decode_state(encode_state(state)).dns == state.dns);
    }
  }
}

TEST_CASE("channel codec: a change round-trips, set and unset parts alike", "[channel]") {
  const GatewayChange full = channel_change(5);
  const GatewayChange back = decode_change(parse_json(encode_change(full).dump()));
  CHECK(back.put == full.put);
  CHECK(back.remove == full.remove);
  CHECK(back.listen_port == full.listen_port);
  CHECK(back.link == full.link);
  CHECK(back.member_to_member == full.member_to_member);
  CHECK(back.dns == full.dns);

  const GatewayChange empty_back = decode_change(encode_change(GatewayChange{}));
  CHECK(empty_back.empty());
}

TEST_CASE("channel codec: wrong types are refused naming the field", "[channel]") {
  const json good = encode_state(channel_state(2));
  struct Case {
    json::json_pointer at;
    json value;
    std::string field;
  };
  const Case cases[] = {
      {json::json_pointer("/listen_port"), "51820", "state.listen_port"},
      {json::json_pointer("/listen_port"), 51820.5, "state.listen_port"},
      {json::json_pointer("/listen_port"), -1, "state.listen_port"},
      {json::json_pointer("/member_to_member"), 1, "state.member_to_member"},
      {json::json_pointer("/link"), json::array(), "state.link"},
      {json::json_pointer("/link/addresses"), "10.77.0.1/24", "state.link.addresses"},
      {json::json_pointer("/peers"), json::object(), "state.peers"},
      {json::json_pointer("/peers/1/dns_scopes/0"), "7", "state.peers[1].dns_scopes[0]"},
      {json::json_pointer("/peers/0/firewall/group"), true, "state.peers[0].firewall.group"},
      {json::json_pointer("/peers/0/wireguard/public_key"), 5,
       "state.peers[0].wireguard.public_key"},
      {json::json_pointer("/dns/upstream/dnssec"), "yes", "state.dns.upstream.dnssec"},
      {json::json_pointer("/dns/blocklist_files/0"), nullptr, "state.dns.blocklist_files[0]"},
  };
  for (const Case& c : cases) {
    json bad = good;
    bad[c.at] = c.value;
    INFO(c.at.to_string());
    CHECK_THAT(state_refusal(bad), Catch::Contains("'" + c.field + "'"));
  }
}

TEST_CASE("channel codec: values out of range are refused", "[channel]") {
  const json good = encode_state(channel_state(2));
  const std::pair<const char*, json> cases[] = {
      {"/listen_port", 0},
      {"/listen_port", 65536},
      {"/link/mtu", 1279},
      {"/link/mtu", 9001},
      {"/peers/0/wireguard/persistent_keepalive", 65536},
      {"/peers/0/firewall/group", 4294967296ull},
      {"/peers/0/dns_scopes/0", 4294967296ull},
      {"/dns/upstream/msg_cache_bytes", 1ull << 31},
  };
  for (const auto& [at, value] : cases) {
    json bad = good;
    bad[json::json_pointer(at)] = value;
    INFO(at);
    CHECK_THAT(state_refusal(bad), Catch::Contains("must be"));
  }
}

TEST_CASE("channel codec: unknown fields are refused at every level", "[channel]") {
  const json good = encode_state(channel_state(2));
  for (const char* at : {"", "/link", "/dns", "/dns/upstream", "/peers/0", "/peers/0/wireguard",
                         "/peers/0/firewall"}) {
    json bad = good;
    bad[json::json_pointer(at)]["surprise"] = 1;
    INFO(at);
    CHECK_THAT(state_refusal(bad), Catch::Contains("unknown field"));
  }
  json change = encode_change(channel_change(1));
  change["extra"] = true;
  CHECK_THROWS_AS(decode_change(change), ProtocolError);
}

TEST_CASE("channel codec: missing required fields are refused", "[channel]") {
  const json good = encode_state(channel_state(2));
  for (const char* at :
       {"/private_key", "/listen_port", "/link", "/member_to_member", "/peers", "/link/mtu",
        "/peers/0/wireguard", "/peers/0/dns_name", "/peers/0/firewall/ipv6", "/dns/zone"}) {
    json bad = good;
    const json::json_pointer pointer(at);
    bad[pointer.parent_pointer()].erase(pointer.back());
    INFO(at);
    CHECK_THAT(state_refusal(bad), Catch::Contains("is missing its field"));
  }
}

TEST_CASE("channel codec: bad keys are refused without being quoted", "[channel]") {
  const json good = encode_state(channel_state(2));
  const std::string bad_key = "not-a-key-at-all-but-44-characters-long-xyz=";
  for (const char* at :
       {"/private_key", "/peers/0/wireguard/public_key", "/peers/0/wireguard/preshared_key"}) {
    json bad = good;
    bad[json::json_pointer(at)] = bad_key;
    INFO(at);
    const std::string message = state_refusal(bad);
    CHECK_THAT(message, Catch::Contains("44 base64 characters"));
    CHECK_THAT(message, !Catch::Contains(bad_key));
  }
  // Well-formed but unusable: the all-zero private key and a public key of
  // small order (the all-zero point).
  json zero = good;
  zero["private_key"] = SecretKey().base64();
  CHECK_THAT(state_refusal(zero), Catch::Contains("all zero"));
  json small = good;
  small["peers"][0]["wireguard"]["public_key"] = Key().base64();
  CHECK_THAT(state_refusal(small), Catch::Contains("small order"));
}

TEST_CASE("channel codec: bad addresses and names are refused without being quoted", "[channel]") {
  const json good = encode_state(channel_state(2));
  const std::pair<const char*, const char*> cases[] = {
      {"/link/addresses/0", "10.77.0.300/24"},
      {"/peers/0/wireguard/allowed_ips/0", "10.77.0.2/33"},
      {"/peers/0/firewall/ipv4", "fd77:77::9"},  // the wrong family
      {"/peers/0/firewall/ipv6", "10.77.0.9"},
      {"/peers/0/firewall/restricted_to/0", "example.org"},
      {"/peers/0/dns_name", "phone..secret"},
      {"/dns/zone", ""},
      {"/dns/blocklist_files/0", "relative/secret.txt"},
      {"/dns/upstream/servers/0", ""},
  };
  for (const auto& [at, value] : cases) {
    json bad = good;
    bad[json::json_pointer(at)] = value;
    INFO(at);
    const std::string message = state_refusal(bad);
    CHECK_THAT(message, Catch::Contains("must"));
    if (*value) CHECK_THAT(message, !Catch::Contains(value));
  }
  json control = good;
  control["peers"][0]["dns_name"] = std::string("phone\0x", 7);
  CHECK_THAT(state_refusal(control), Catch::Contains("control character"));
}

TEST_CASE("channel codec: two peers with one key are refused", "[channel]") {
  json bad = encode_state(channel_state(2));
  bad["peers"][1]["wireguard"]["public_key"] = bad["peers"][0]["wireguard"]["public_key"];
  CHECK_THAT(state_refusal(bad), Catch::Contains("state.peers[1]' has the same public key"));
}

TEST_CASE("channel codec: list sizes are bounded", "[channel]") {
  json bad = encode_state(channel_state(1));
  bad["peers"][0]["wireguard"]["allowed_ips"] = json::array();
  for (std::size_t i = 0; i <= kMaxAllowedIps; ++i)
    bad["peers"][0]["wireguard"]["allowed_ips"].push_back("10.1.0.1/32");
  CHECK_THAT(state_refusal(bad), Catch::Contains("more than 256 items"));

  // Peers over the limit are refused before any of them is read: the items
  // here are not even peers.
  json many = encode_state(channel_state(0));
  many["peers"] = json::array();
  for (std::size_t i = 0; i <= kMaxPeers; ++i) many["peers"].push_back(nullptr);
  CHECK_THAT(state_refusal(many), Catch::Contains("more than 100000 items"));
}

TEST_CASE("channel codec: the JSON reader refuses cut, repeated and deep input", "[channel]") {
  const std::string text = encode_state(channel_state(2)).dump();
  CHECK_THAT(refusal([&] { (void)parse_json(text.substr(0, text.size() / 2)); }),
             Catch::Contains("not valid JSON"));
  CHECK_THAT(refusal([&] { (void)parse_json(R"({"a":1,"a":2})"); }),
             Catch::Contains("names a field twice"));
  // A repeat hidden behind an escape is the same key.
  CHECK_THROWS_AS(parse_json(R"({"a":1,"\u0061":2})"), ProtocolError);
  CHECK_NOTHROW(parse_json(R"({"a":{"a":1}})"));
  CHECK_THAT(refusal([&] { (void)parse_json(R"({"seq":83e886})"); }),
             Catch::Contains("out of any range"));
  const std::string deep =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  CHECK_THAT(refusal([&] { (void)parse_json(deep); }), Catch::Contains("nests deeper"));
  CHECK_THAT(refusal([&] { (void)parse_json(std::string(kMaxMessageBytes + 1, ' ')); }),
             Catch::Contains("larger than"));
}
