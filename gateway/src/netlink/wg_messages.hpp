#pragma once

// The WireGuard generic netlink requests (linux/wireguard.h), built as bytes
// from a DeviceChange. Pure and golden-tested; the transport only adds the
// sequence number and port id.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "netlink/attributes.hpp"
#include "picket/gateway/plan.hpp"

namespace picket::gateway::netlink {

// wireguard-tools sends at most a page per message; the kernel accepts
// anything below the socket's send buffer. 32 KiB (about 200 peers) keeps
// the time the kernel holds its configuration lock per message short while
// needing 40 times fewer round trips than a page at 10,000 peers.
inline constexpr std::size_t kDefaultMaxMessageSize = 32 * 1024;
// Below this not even one peer with one allowed IP fits next to the device
// attributes.
inline constexpr std::size_t kMinMaxMessageSize = 256;

// WG_CMD_GET_DEVICE for `ifname`, as a dump request.
Bytes build_get_request(std::uint16_t family, const std::string& ifname);

// WG_CMD_SET_DEVICE messages of at most `max_size` bytes that together make
// `change`, in order. Device attributes and WGDEVICE_F_REPLACE_PEERS go into
// the first only; a peer whose allowed IPs are cut continues in the next
// message with its public key and the remaining addresses only. An empty
// change gives no message. Throws Error when max_size is below
// kMinMaxMessageSize or the interface name is not a valid one.
std::vector<Bytes> build_set_messages(std::uint16_t family, const std::string& ifname,
                                      const DeviceChange& change,
                                      std::size_t max_size = kDefaultMaxMessageSize);

}  // namespace picket::gateway::netlink
