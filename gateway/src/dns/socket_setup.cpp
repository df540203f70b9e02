#include "dns/socket_setup.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>

#include "dns/listeners.hpp"
#include "picket/gateway/error.hpp"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

namespace picket::gateway::dns {

IpAddress to_ip(const boost::asio::ip::address& address) {
  IpAddress ip;
  if (address.is_v4()) {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), ip.bytes.begin());
  } else if (address.to_v6().is_v4_mapped()) {
    const auto b = address.to_v6().to_bytes();
    std::copy(b.begin() + 12, b.end(), ip.bytes.begin());
  } else {
    ip.family = IpAddress::Family::v6;
    const auto b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), ip.bytes.begin());
  }
  return ip;
}

boost::asio::ip::address to_asio(const IpAddress& address) {
  if (address.is_v4()) {
    boost::asio::ip::address_v4::bytes_type b;
    std::copy(address.bytes.begin(), address.bytes.begin() + 4, b.begin());
    return boost::asio::ip::address_v4(b);
  }
  boost::asio::ip::address_v6::bytes_type b;
  std::copy(address.bytes.begin(), address.bytes.end(), b.begin());
  return boost::asio::ip::address_v6(b);
}

void prepare_socket(int fd, const IpAddress& address) {
  // picketd starts wireguard-go after the resolver; an inherited listening
  // socket would outlive picketd in that child and block port 53 on restart.
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.is_v4()) {
    ::setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof one);
  } else {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) != 0)
      ::setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof one);
  }
}

void throw_bind_error(const char* transport, const IpAddress& address, std::uint16_t port,
                      const boost::system::error_code& ec) {
  // The address is the gateway's own tunnel address, not a member's.
  throw Error(std::string("the DNS resolver cannot listen on ") + transport + " " + address.str() +
              " port " + std::to_string(port) + ": " + ec.message());
}

}  // namespace picket::gateway::dns
