#pragma once

// Frames UAPI requests over wireguard-go's unix control socket. Knows nothing
// of the protocol beyond "a reply ends with a blank line".

#include <chrono>
#include <string>
#include <string_view>

namespace picket::gateway::uapi {

inline constexpr std::chrono::milliseconds kReplyTimeout{5000};
// A full get at 10,000 peers is about 3 MB; this leaves room for kMaxPeers.
inline constexpr std::size_t kMaxReplyBytes = 96u << 20;

std::string socket_path(std::string_view socket_dir, std::string_view ifname);

// True when something accepts connections on `path`.
bool socket_connectable(const std::string& path);

// Sends `request` and returns the reply, blank line included. Throws Error
// naming `ifname` when the socket is missing, stalls or misbehaves.
std::string exchange(const std::string& path, std::string_view ifname, std::string_view request,
                     std::chrono::milliseconds timeout = kReplyTimeout);

}  // namespace picket::gateway::uapi
