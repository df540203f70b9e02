#include "picket/gateway/channel/codec.hpp"

#include <set>
#include <string>
#include <vector>

#include "channel/json_reader.hpp"
#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::channel {

using detail::Field;
using nlohmann::json;

namespace {

// A WireGuard MTU below IPv6's minimum would break the tunnel's IPv6, and
// jumbo frames end at 9000 (the controller refuses the same range).
constexpr std::uint32_t kMinMtu = 1280;
constexpr std::uint32_t kMaxMtu = 9000;
// libunbound's caches; more than this on a gateway is a typo.
constexpr std::uint64_t kMaxCacheBytes = 1ull << 30;
// "ADDRESS@PORT#AUTH-NAME": an IPv6 address, a port and a 253-byte name.
constexpr std::size_t kMaxServerBytes = 320;
constexpr std::size_t kMaxDnsNameBytes = 253;
constexpr std::size_t kMaxCidrText = 64;  // "ffff:…:ffff/128" is 43

const char* mode_name(dns::UpstreamConfig::Mode mode) {
  switch (mode) {
    case dns::UpstreamConfig::Mode::recursive:
      return "recursive";
    case dns::UpstreamConfig::Mode::tls:
      return "tls";
    case dns::UpstreamConfig::Mode::plain:
      return "plain";
    case dns::UpstreamConfig::Mode::none:
      return "none";
  }
  return "none";
}

const char* block_answer_name(dns::BlockAnswer answer) {
  return answer == dns::BlockAnswer::null_address ? "null_address" : "nxdomain";
}

json cidrs(const std::vector<Cidr>& list) {
  json out = json::array();
  for (const Cidr& cidr : list) out.push_back(cidr.str());
  return out;
}

json encode_link(const LinkSettings& link) {
  return {{"mtu", link.mtu}, {"addresses", cidrs(link.addresses)}};
}

json encode_dns(const DnsConfig& config) {
  return {{"upstream",
           {{"mode", mode_name(config.upstream.mode)},
            {"servers", config.upstream.servers},
            {"dnssec", config.upstream.dnssec},
            {"msg_cache_bytes", config.upstream.msg_cache_bytes},
            {"rrset_cache_bytes", config.upstream.rrset_cache_bytes}}},
          {"block_answer", block_answer_name(config.block_answer)},
          {"blocklist_files", config.blocklist_files},
          {"zone", config.zone},
          {"open_directory", config.open_directory}};
}

json encode_peer(const NodePeer& peer) {
  json wireguard = {{"public_key", peer.wireguard.public_key.base64()},
                    {"allowed_ips", cidrs(peer.wireguard.allowed_ips)},
                    {"persistent_keepalive", peer.wireguard.persistent_keepalive}};
  if (peer.wireguard.preshared_key)
    wireguard["preshared_key"] = peer.wireguard.preshared_key->base64();
  json firewall = {{"ipv4", peer.firewall.ipv4.str()},
                   {"ipv6", peer.firewall.ipv6.str()},
                   {"group", peer.firewall.group}};
  if (peer.firewall.restricted_to) firewall["restricted_to"] = cidrs(*peer.firewall.restricted_to);
  return {{"wireguard", std::move(wireguard)},
          {"firewall", std::move(firewall)},
          {"dns_name", peer.dns_name},
          {"dns_scopes", peer.dns_scopes}};
}

json encode_peers(const std::vector<NodePeer>& peers) {
  json out = json::array();
  for (const NodePeer& peer : peers) out.push_back(encode_peer(peer));
  return out;
}

// --- decoding ---

Cidr read_cidr(const Field& field) {
  const auto cidr = Cidr::try_parse(field.string(kMaxCidrText));
  if (!cidr) field.fail("must be an address with a prefix length, such as 10.77.0.2/32");
  return *cidr;
}

std::vector<Cidr> read_cidrs(const Field& field, std::size_t max) {
  std::vector<Cidr> out;
  field.array(max, [&](const Field& item) { out.push_back(read_cidr(item)); });
  return out;
}

IpAddress read_ip(const Field& field, IpAddress::Family family) {
  const auto ip = IpAddress::try_parse(field.string(kMaxCidrText));
  if (!ip || ip->family != family)
    field.fail(family == IpAddress::Family::v4 ? "must be an IPv4 address"
                                               : "must be an IPv6 address");
  return *ip;
}

SecretKey read_secret(const Field& field) {
  try {
    return SecretKey::from_base64(field.string(64));
  } catch (const ParseError&) {
    field.fail("must be a key as 44 base64 characters ending in '='");
  }
}

Key read_public_key(const Field& field) {
  const auto key = Key::try_base64(field.string(64));
  if (!key) field.fail("must be a public key as 44 base64 characters ending in '='");
  try {
    validate_public_key(*key);
  } catch (const ParseError&) {
    field.fail("is not a usable public key (all zero or of small order)");
  }
  return *key;
}

// A host name ("phone.alice", "picket.internal") as the resolver's zone takes it.
const std::string& read_host_name(const Field& field, bool may_be_empty) {
  const std::string& text = field.string(kMaxDnsNameBytes);
  if (text.empty() ? !may_be_empty : !dns::host_to_wire(text))
    field.fail("must be a DNS host name (letters, digits, '-' and '_' in dot-separated labels)");
  return text;
}

std::string read_plain_string(const Field& field, std::size_t max) {
  const std::string& text = field.string(max);
  if (text.empty()) field.fail("must not be empty");
  return text;
}

LinkSettings read_link(const Field& field) {
  field.expect_object({"mtu", "addresses"});
  LinkSettings link;
  link.mtu = static_cast<std::uint32_t>(field.required("mtu").unsigned_in(kMinMtu, kMaxMtu));
  link.addresses = read_cidrs(field.required("addresses"), kMaxLinkAddresses);
  return link;
}

dns::UpstreamConfig read_upstream(const Field& field) {
  field.expect_object({"mode", "servers", "dnssec", "msg_cache_bytes", "rrset_cache_bytes"});
  dns::UpstreamConfig upstream;
  const Field mode = field.required("mode");
  const std::string& name = mode.string(16);
  if (name == "recursive") {
    upstream.mode = dns::UpstreamConfig::Mode::recursive;
  } else if (name == "tls") {
    upstream.mode = dns::UpstreamConfig::Mode::tls;
  } else if (name == "plain") {
    upstream.mode = dns::UpstreamConfig::Mode::plain;
  } else if (name == "none") {
    upstream.mode = dns::UpstreamConfig::Mode::none;
  } else {
    mode.fail("must be \"recursive\", \"tls\", \"plain\" or \"none\"");
  }
  field.required("servers").array(kMaxDnsServers, [&](const Field& server) {
    upstream.servers.push_back(read_plain_string(server, kMaxServerBytes));
  });
  upstream.dnssec = field.required("dnssec").boolean();
  upstream.msg_cache_bytes =
      static_cast<std::size_t>(field.required("msg_cache_bytes").unsigned_in(0, kMaxCacheBytes));
  upstream.rrset_cache_bytes =
      static_cast<std::size_t>(field.required("rrset_cache_bytes").unsigned_in(0, kMaxCacheBytes));
  return upstream;
}

DnsConfig read_dns(const Field& field) {
  field.expect_object({"upstream", "block_answer", "blocklist_files", "zone", "open_directory"});
  DnsConfig config;
  config.upstream = read_upstream(field.required("upstream"));
  const Field answer = field.required("block_answer");
  const std::string& answer_name = answer.string(16);
  if (answer_name == "nxdomain") {
    config.block_answer = dns::BlockAnswer::nxdomain;
  } else if (answer_name == "null_address") {
    config.block_answer = dns::BlockAnswer::null_address;
  } else {
    answer.fail("must be \"nxdomain\" or \"null_address\"");
  }
  field.required("blocklist_files").array(kMaxBlocklistFiles, [&](const Field& file) {
    std::string path = read_plain_string(file, kMaxPathBytes);
    // Blocklists are read on the gateway host; a relative path would depend
    // on picketd's working directory there.
    if (path.front() != '/') file.fail("must be an absolute path");
    config.blocklist_files.push_back(std::move(path));
  });
  config.zone = read_host_name(field.required("zone"), /*may_be_empty=*/false);
  config.open_directory = field.required("open_directory").boolean();
  return config;
}

PeerConfig read_wireguard(const Field& field) {
  field.expect_object({"public_key", "preshared_key", "allowed_ips", "persistent_keepalive"});
  PeerConfig peer;
  peer.public_key = read_public_key(field.required("public_key"));
  if (const auto psk = field.optional("preshared_key")) peer.preshared_key = read_secret(*psk);
  peer.allowed_ips = read_cidrs(field.required("allowed_ips"), kMaxAllowedIps);
  peer.persistent_keepalive =
      static_cast<std::uint16_t>(field.required("persistent_keepalive").unsigned_in(0, 65535));
  return peer;
}

FirewallDevice read_firewall(const Field& field) {
  field.expect_object({"ipv4", "ipv6", "restricted_to", "group"});
  FirewallDevice device;
  device.ipv4 = read_ip(field.required("ipv4"), IpAddress::Family::v4);
  device.ipv6 = read_ip(field.required("ipv6"), IpAddress::Family::v6);
  if (const auto restricted = field.optional("restricted_to"))
    device.restricted_to = read_cidrs(*restricted, kMaxRestrictedTo);
  device.group = static_cast<std::uint32_t>(field.required("group").unsigned_in(0, UINT32_MAX));
  return device;
}

NodePeer read_peer(const Field& field) {
  field.expect_object({"wireguard", "firewall", "dns_name", "dns_scopes"});
  NodePeer peer;
  peer.wireguard = read_wireguard(field.required("wireguard"));
  peer.firewall = read_firewall(field.required("firewall"));
  peer.dns_name = read_host_name(field.required("dns_name"), /*may_be_empty=*/true);
  field.required("dns_scopes").array(kMaxDnsScopes, [&](const Field& scope) {
    peer.dns_scopes.push_back(static_cast<std::uint32_t>(scope.unsigned_in(0, UINT32_MAX)));
  });
  return peer;
}

// Two peers with one key would leave which one WireGuard keeps to chance.
std::vector<NodePeer> read_peers(const Field& field) {
  std::vector<NodePeer> peers;
  std::set<Key> keys;
  field.array(kMaxPeers, [&](const Field& item) {
    peers.push_back(read_peer(item));
    if (!keys.insert(peers.back().wireguard.public_key).second)
      item.fail("has the same public key as an earlier peer");
  });
  return peers;
}

}  // namespace

json parse_json(std::string_view text) {
  if (text.size() > kMaxMessageBytes)
    throw ProtocolError("message is larger than " + std::to_string(kMaxMessageBytes) + " bytes");
  using event = json::parse_event_t;
  std::vector<std::set<std::string>> open_objects;
  const json::parser_callback_t check = [&](int depth, event kind, json& parsed) {
    if ((kind == event::object_start || kind == event::array_start) &&
        static_cast<std::size_t>(depth) >= kMaxJsonDepth)
      throw ProtocolError("message nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (kind == event::object_start) {
      open_objects.emplace_back();
    } else if (kind == event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (kind == event::key && !open_objects.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      throw ProtocolError("message names a field twice in one object");
    }
    // Every value is kept: the parser reports the end only of objects it kept.
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const json::parse_error& e) {
    // Byte offsets only: the exception's own text may quote the input.
    throw ProtocolError("message is not valid JSON (at byte " + std::to_string(e.byte) +
                        "); it may be cut off");
  } catch (const json::exception&) {
    // A number too large for a double ("1e999") is out_of_range, not a
    // parse_error (found by channel_decode_fuzz).
    throw ProtocolError("message holds a number out of any range");
  }
}

json encode_state(const GatewayState& state) {
  json out = {{"private_key", state.private_key.base64()},
              {"listen_port", state.listen_port},
              {"link", encode_link(state.link)},
              {"member_to_member", state.member_to_member},
              {"peers", encode_peers(state.peers)}};
  if (state.dns) out["dns"] = encode_dns(*state.dns);
  return out;
}

json encode_change(const GatewayChange& change) {
  json out = {{"put", encode_peers(change.put)}};
  json remove = json::array();
  for (const Key& key : change.remove) remove.push_back(key.base64());
  out["remove"] = std::move(remove);
  if (change.listen_port) out["listen_port"] = *change.listen_port;
  if (change.link) out["link"] = encode_link(*change.link);
  if (change.member_to_member) out["member_to_member"] = *change.member_to_member;
  if (change.dns) out["dns"] = encode_dns(*change.dns);
  return out;
}

GatewayState decode_state(const json& json_value, std::string_view where) {
  const Field root(json_value, where);
  root.expect_object({"private_key", "listen_port", "link", "member_to_member", "dns", "peers"});
  GatewayState state;
  const Field private_key = root.required("private_key");
  state.private_key = read_secret(private_key);
  if (state.private_key.is_zero()) private_key.fail("is all zero; the controller sent no key");
  state.listen_port =
      static_cast<std::uint16_t>(root.required("listen_port").unsigned_in(1, 65535));
  state.link = read_link(root.required("link"));
  state.member_to_member = root.required("member_to_member").boolean();
  if (const auto dns = root.optional("dns")) state.dns = read_dns(*dns);
  state.peers = read_peers(root.required("peers"));
  return state;
}

GatewayChange decode_change(const json& json_value, std::string_view where) {
  const Field root(json_value, where);
  root.expect_object({"put", "remove", "listen_port", "link", "member_to_member", "dns"});
  GatewayChange change;
  change.put = read_peers(root.required("put"));
  // Unknown keys are ignored by the node, so a removal needs a well-formed
  // key only; the point check is for keys that go on the interface.
  root.required("remove").array(kMaxPeers, [&](const Field& item) {
    const auto key = Key::try_base64(item.string(64));
    if (!key) item.fail("must be a public key as 44 base64 characters ending in '='");
    change.remove.push_back(*key);
  });
  if (const auto port = root.optional("listen_port"))
    change.listen_port = static_cast<std::uint16_t>(port->unsigned_in(1, 65535));
  if (const auto link = root.optional("link")) change.link = read_link(*link);
  if (const auto m2m = root.optional("member_to_member")) change.member_to_member = m2m->boolean();
  if (const auto dns = root.optional("dns")) change.dns = read_dns(*dns);
  return change;
}

std::vector<PeerLive> live_peers(const DeviceSnapshot& snapshot) {
  std::vector<PeerLive> out;
  for (const auto& peer : snapshot.peers)
    if (peer.stats.last_handshake_unix > 0)
      out.push_back({peer.config.public_key, peer.stats.last_handshake_unix, peer.stats.rx_bytes,
                     peer.stats.tx_bytes});
  return out;
}

json encode_live(const std::vector<PeerLive>& peers) {
  json out = json::array();
  for (const auto& peer : peers)
    out.push_back({{"key", peer.public_key.base64()},
                   {"handshake", peer.last_handshake_unix},
                   {"rx", std::min<std::uint64_t>(peer.rx_bytes, kMaxCounter)},
                   {"tx", std::min<std::uint64_t>(peer.tx_bytes, kMaxCounter)}});
  return out;
}

std::vector<PeerLive> decode_live(const json& json_value, std::string_view where) {
  const Field root(json_value, where);
  std::vector<PeerLive> out;
  root.array(kMaxPeers, [&](const Field& item) {
    item.expect_object({"key", "handshake", "rx", "tx"});
    PeerLive peer;
    const Field key = item.required("key");
    const auto parsed = Key::try_base64(key.string(64));
    if (!parsed) key.fail("must be a public key as 44 base64 characters ending in '='");
    peer.public_key = *parsed;
    peer.last_handshake_unix =
        static_cast<std::int64_t>(item.required("handshake").unsigned_in(1, kMaxCounter));
    peer.rx_bytes = item.required("rx").unsigned_in(0, kMaxCounter);
    peer.tx_bytes = item.required("tx").unsigned_in(0, kMaxCounter);
    out.push_back(peer);
  });
  return out;
}

}  // namespace picket::gateway::channel
