#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>

#include "dns/engine.hpp"

namespace picket::gateway::dns {

IpAddress to_ip(const boost::asio::ip::address& address);
boost::asio::ip::address to_asio(const IpAddress& address);

// One UDP socket on one tunnel address. It drains the socket in batches
// with non-blocking calls and answers inline: a cache hit costs no handler
// allocation. A reply that does not fit the send buffer is dropped, as UDP
// would lose it anyway.
class UdpListener {
 public:
  UdpListener(boost::asio::io_context& io, Engine& engine, const IpAddress& address,
              std::uint16_t port);
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

 private:
  void arm();
  void drain();

  Engine& engine_;
  boost::asio::ip::udp::socket socket_;
  std::array<std::uint8_t, 65536> buffer_{};
};

// TCP on one tunnel address (RFC 7766): length-prefixed messages,
// pipelining, answers in any order. Bounded: connections in all and per
// source, queries outstanding per connection, and an idle timeout.
class TcpListener {
 public:
  TcpListener(boost::asio::io_context& io, Engine& engine, const IpAddress& address,
              std::uint16_t port, const ResolverConfig& config);
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  struct Limits {
    std::size_t total;
    std::size_t per_source;
    std::chrono::milliseconds idle;
  };
  // Shared with the sessions, which outlive an accept.
  struct Counts {
    std::size_t total = 0;
    std::map<IpAddress, std::size_t> by_source;
  };

 private:
  void accept();

  Engine& engine_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Limits limits_;
  std::shared_ptr<Counts> counts_ = std::make_shared<Counts>();
};

}  // namespace picket::gateway::dns
