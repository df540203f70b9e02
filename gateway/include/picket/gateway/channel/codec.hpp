#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "picket/gateway/state.hpp"

// GatewayState and GatewayChange as JSON, for the controller→gateway channel.
// The other end is a network peer: decoding checks every field's type and
// range, refuses fields it does not know, and bounds every list, so a bad
// message is refused whole and never half-applied.
namespace picket::gateway::channel {

// A message (or a part of one) that does not follow the channel protocol.
// The message names the field ("peers[3].firewall.ipv4") and what it must
// be; it never quotes a key, an address or a name, so it may be logged.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Limits of what one message may carry. A gateway with more peers than this
// is beyond what one WireGuard interface serves well anyway.
inline constexpr std::size_t kMaxMessageBytes = 64u << 20;
inline constexpr std::size_t kMaxPeers = 100'000;
inline constexpr std::size_t kMaxAllowedIps = 256;
inline constexpr std::size_t kMaxRestrictedTo = 256;
inline constexpr std::size_t kMaxDnsScopes = 4096;
inline constexpr std::size_t kMaxLinkAddresses = 16;
inline constexpr std::size_t kMaxDnsServers = 16;
inline constexpr std::size_t kMaxBlocklistFiles = 256;
inline constexpr std::size_t kMaxPathBytes = 4096;
// Versions, sequence numbers and counters stay below 2^53, so that any JSON
// reader holds them exactly.
inline constexpr std::uint64_t kMaxCounter = (1ull << 53) - 1;
// Deeper nesting than any message of the protocol needs.
inline constexpr std::size_t kMaxJsonDepth = 16;

// Parses one message's text: at most kMaxMessageBytes, at most kMaxJsonDepth
// deep, and no object naming a key twice (JSON readers disagree on which
// value wins, so the controller and a check could read different things).
nlohmann::json parse_json(std::string_view text);

// Live figures of one peer that has had a handshake, as a gateway reports
// them to its controller for `picket status` (held in the controller's
// memory only). Never the peer's endpoint address: it does not travel.
struct PeerLive {
  Key public_key;
  std::int64_t last_handshake_unix = 0;  // seconds since the epoch, > 0
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;

  bool operator==(const PeerLive&) const = default;
};

// The peers of a snapshot that have had a handshake, without endpoints.
std::vector<PeerLive> live_peers(const DeviceSnapshot& snapshot);

nlohmann::json encode_state(const GatewayState& state);
nlohmann::json encode_live(const std::vector<PeerLive>& peers);
nlohmann::json encode_change(const GatewayChange& change);

// Throw ProtocolError naming the first bad field. `where` prefixes the field
// names in messages ("state" gives "state.peers[0].public_key").
GatewayState decode_state(const nlohmann::json& json, std::string_view where = "state");
GatewayChange decode_change(const nlohmann::json& json, std::string_view where = "change");
std::vector<PeerLive> decode_live(const nlohmann::json& json, std::string_view where = "peers");

}  // namespace picket::gateway::channel
