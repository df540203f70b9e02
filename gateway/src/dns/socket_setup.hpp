#pragma once

#include <boost/system/error_code.hpp>
#include <cstdint>

#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

// Close-on-exec; lets the socket bind a tunnel address the interface does not have yet
// (or has lost while it is recreated), and keeps IPv6 sockets IPv6-only.
void prepare_socket(int fd, const IpAddress& address);

[[noreturn]] void throw_bind_error(const char* transport, const IpAddress& address,
                                   std::uint16_t port, const boost::system::error_code& ec);

}  // namespace picket::gateway::dns
