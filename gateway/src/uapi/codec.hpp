#pragma once

// The text protocol wireguard-go speaks on its control socket
// (https://www.wireguard.com/xplatform/), as pure functions on strings.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/device.hpp"
#include "picket/gateway/plan.hpp"

namespace picket::gateway::uapi {

// wireguard-go applies a request while holding its device lock; keeping each
// request to this many peers keeps that pause short at tens of thousands of
// peers (1,000 peers load in about 0.1 s).
inline constexpr std::size_t kMaxPeersPerRequest = 1000;

// Limits for replies, which are read from another process and treated as
// untrusted: a few times what the largest gateway we aim for produces.
inline constexpr std::size_t kMaxLineLength = 512;
inline constexpr std::size_t kMaxPeers = 200'000;
inline constexpr std::size_t kMaxAllowedIpsPerPeer = 65'536;

inline constexpr std::string_view kGetRequest = "get=1\n\n";

// One "set=1" request for the whole change.
std::string encode_set(const DeviceChange& change);

// The change as one or more "set=1" requests of at most `max_peers` peer
// changes each. Device settings and replace_peers go into the first only, so
// a later request never wipes what an earlier one added. An empty change
// gives no request.
std::vector<std::string> encode_set_requests(const DeviceChange& change,
                                             std::size_t max_peers = kMaxPeersPerRequest);

// Parses the reply to kGetRequest. Throws Error on malformed input, on a
// non-zero errno and on a reply that does not end with the errno line.
DeviceSnapshot decode_get(std::string_view reply);

// Checks the reply to a set request ("errno=0\n\n"); throws Error otherwise.
void check_set_reply(std::string_view reply);

}  // namespace picket::gateway::uapi
