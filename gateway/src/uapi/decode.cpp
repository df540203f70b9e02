#include <charconv>
#include <limits>
#include <set>

#include "picket/gateway/error.hpp"
#include "uapi/codec.hpp"

namespace picket::gateway::uapi {
namespace {

// Replies come from another process; messages name the key and line number
// but never the value, which may be a key or a member's endpoint.
[[noreturn]] void malformed(std::size_t line_no, std::string_view why) {
  throw Error("malformed reply from wireguard-go (line " + std::to_string(line_no) +
              "): " + std::string(why));
}

template <class T>
T number(std::string_view value, std::size_t line_no, std::string_view key,
         T max = std::numeric_limits<T>::max()) {
  T out{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || out > max)
    malformed(line_no, "bad number for " + std::string(key));
  return out;
}

// Splits the reply into lines and stops at the blank line that ends it.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}

  // False at the terminating blank line; throws if the reply is cut short.
  bool next(std::string_view& line) {
    const auto nl = text_.find('\n');
    ++line_no_;
    if (nl == std::string_view::npos) malformed(line_no_, "reply is truncated");
    line = text_.substr(0, nl);
    text_.remove_prefix(nl + 1);
    if (line.size() > kMaxLineLength) malformed(line_no_, "line too long");
    return !line.empty();
  }
  std::size_t line_no() const { return line_no_; }

 private:
  std::string_view text_;
  std::size_t line_no_ = 0;
};

// Also used for public keys: it parses hex without keeping copies around.
SecretKey secret(std::string_view value, std::size_t line_no, std::string_view key) {
  try {
    return SecretKey::from_hex(value);
  } catch (const ParseError&) {
    malformed(line_no, "bad key for " + std::string(key));
  }
}

bool is_peer_key(std::string_view key) {
  for (std::string_view k :
       {"preshared_key", "endpoint", "last_handshake_time_sec", "last_handshake_time_nsec",
        "rx_bytes", "tx_bytes", "persistent_keepalive_interval", "allowed_ip", "protocol_version"})
    if (key == k) return true;
  return false;
}

}  // namespace

DeviceSnapshot decode_get(std::string_view reply) {
  DeviceSnapshot snap;
  PeerState* peer = nullptr;
  std::set<Key> seen;
  std::optional<long long> errno_value;
  Lines lines(reply);
  std::string_view line;
  while (lines.next(line)) {
    const std::size_t n = lines.line_no();
    if (errno_value) malformed(n, "data after errno");
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) malformed(n, "expected key=value");
    const std::string_view key = line.substr(0, eq);
    const std::string_view value = line.substr(eq + 1);

    if (key == "errno") {
      errno_value = number<long long>(value, n, key);
    } else if (key == "public_key") {
      if (snap.peers.size() >= kMaxPeers) malformed(n, "too many peers");
      const Key pk(secret(value, n, key).bytes());
      if (!seen.insert(pk).second) malformed(n, "the same peer appears twice");
      peer = &snap.peers.emplace_back();
      peer->config.public_key = pk;
    } else if (peer == nullptr) {
      if (key == "private_key") {
        SecretKey sk = secret(value, n, key);
        if (!sk.is_zero()) snap.private_key = sk;
      } else if (key == "listen_port") {
        snap.listen_port = number<std::uint16_t>(value, n, key);
      } else if (key == "fwmark") {
        number<std::uint32_t>(value, n, key);
      } else if (is_peer_key(key)) {
        malformed(n, std::string(key) + " before any public_key");
      }
      // Other device keys are ignored: newer versions may add some.
    } else if (key == "preshared_key") {
      SecretKey psk = secret(value, n, key);
      if (psk.is_zero())
        peer->config.preshared_key.reset();
      else
        peer->config.preshared_key = psk;
    } else if (key == "endpoint") {
      peer->stats.endpoint = std::string(value);
    } else if (key == "last_handshake_time_sec") {
      peer->stats.last_handshake_unix = number<std::int64_t>(value, n, key);
    } else if (key == "last_handshake_time_nsec" || key == "protocol_version") {
      number<std::uint64_t>(value, n, key);
    } else if (key == "rx_bytes") {
      peer->stats.rx_bytes = number<std::uint64_t>(value, n, key);
    } else if (key == "tx_bytes") {
      peer->stats.tx_bytes = number<std::uint64_t>(value, n, key);
    } else if (key == "persistent_keepalive_interval") {
      peer->config.persistent_keepalive = number<std::uint16_t>(value, n, key);
    } else if (key == "allowed_ip") {
      if (peer->config.allowed_ips.size() >= kMaxAllowedIpsPerPeer)
        malformed(n, "too many allowed IPs for one peer");
      auto cidr = Cidr::try_parse(value);
      if (!cidr || value.find('/') == std::string_view::npos) malformed(n, "bad allowed_ip");
      peer->config.allowed_ips.push_back(*cidr);
    }
  }
  if (!errno_value) malformed(lines.line_no(), "reply has no errno line");
  if (*errno_value != 0)
    throw Error("wireguard-go refused to report the device (errno=" + std::to_string(*errno_value) +
                ")");
  return snap;
}

void check_set_reply(std::string_view reply) {
  // "errno=N\n\n" and nothing else.
  Lines lines(reply);
  std::string_view line;
  if (!lines.next(line) || !line.starts_with("errno="))
    malformed(lines.line_no(), "expected errno=N");
  const long long code = number<long long>(line.substr(6), 1, "errno");
  std::string_view rest;
  if (lines.next(rest)) malformed(lines.line_no(), "data after errno");
  if (code != 0)
    throw Error("wireguard-go rejected the change (errno=" + std::to_string(code) + ")");
}

}  // namespace picket::gateway::uapi
