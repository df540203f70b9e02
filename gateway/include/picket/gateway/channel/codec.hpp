#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

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
// Deeper nesting than any message of the protocol needs.
inline constexpr std::size_t kMaxJsonDepth = 16;

// Parses one message's text: at most kMaxMessageBytes, at most kMaxJsonDepth
// deep, and no object naming a key twice (JSON readers disagree on which
// value wins, so the controller and a check could read different things).
nlohmann::json parse_json(std::string_view text);

nlohmann::json encode_state(const GatewayState& state);
nlohmann::json encode_change(const GatewayChange& change);

// Throw ProtocolError naming the first bad field. `where` prefixes the field
// names in messages ("state" gives "state.peers[0].public_key").
GatewayState decode_state(const nlohmann::json& json, std::string_view where = "state");
GatewayChange decode_change(const nlohmann::json& json, std::string_view where = "change");

}  // namespace picket::gateway::channel
