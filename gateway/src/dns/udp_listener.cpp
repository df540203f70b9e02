#include <netinet/in.h>
#include <sys/socket.h>

#include "dns/listeners.hpp"
#include "dns/socket_setup.hpp"

namespace picket::gateway::dns {

namespace asio = boost::asio;
using asio::ip::udp;

UdpListener::UdpListener(asio::io_context& io, Engine& engine, const IpAddress& address,
                         std::uint16_t port)
    : engine_(engine), socket_(io) {
  const udp::endpoint endpoint(to_asio(address), port);
  socket_.open(endpoint.protocol());
  prepare_socket(socket_.native_handle(), address);
  boost::system::error_code ec;
  socket_.bind(endpoint, ec);
  if (ec) throw_bind_error("UDP", address, port, ec);
  socket_.non_blocking(true);
  arm();
}

void UdpListener::arm() {
  socket_.async_wait(udp::socket::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    drain();
    arm();
  });
}

void UdpListener::drain() {
  // A bounded batch, so TCP and libunbound get their turn under a flood.
  for (int i = 0; i < 256; ++i) {
    udp::endpoint from;
    boost::system::error_code ec;
    const std::size_t n = socket_.receive_from(asio::buffer(buffer_), from, 0, ec);
    if (ec) return;  // would block, or an ICMP error surfacing: nothing to do
    const auto source = to_ip(from.address());
    if (!engine_.allowed(source) || !engine_.within_rate(source)) continue;
    engine_.handle(std::span(buffer_.data(), n), Transport::udp, source,
                   [this, from](Bytes answer) {
                     boost::system::error_code ignored;
                     socket_.send_to(asio::buffer(answer), from, 0, ignored);
                   });
  }
}

}  // namespace picket::gateway::dns
