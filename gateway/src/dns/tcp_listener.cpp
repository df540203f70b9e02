#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "dns/listeners.hpp"
#include "dns/socket_setup.hpp"

namespace picket::gateway::dns {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Enough for any client that pipelines sensibly; a client that sends more
// waits until answers drain, which bounds memory per connection.
constexpr std::size_t kMaxOutstanding = 32;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Engine& engine, IpAddress source,
          std::shared_ptr<TcpListener::Counts> counts, std::chrono::milliseconds idle)
      : socket_(std::move(socket)),
        engine_(engine),
        source_(source),
        counts_(std::move(counts)),
        idle_(idle),
        timer_(socket_.get_executor()) {
    ++counts_->total;
    ++counts_->by_source[source_];
  }
  ~Session() {
    --counts_->total;
    if (--counts_->by_source[source_] == 0) counts_->by_source.erase(source_);
  }

  void start() {
    touch();
    read_length();
  }

 private:
  void touch() {
    timer_.expires_after(idle_);
    timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto s = self.lock()) s->close();
    });
  }

  void close() {
    closed_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
  }

  void read_length() {
    if (closed_) return;
    if (outstanding_ >= kMaxOutstanding) {
      paused_ = true;
      return;
    }
    asio::async_read(socket_, asio::buffer(length_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       const std::size_t n = (self->length_[0] << 8) | self->length_[1];
                       if (n < kHeaderSize) return self->close();
                       self->body_.resize(n);
                       self->read_body();
                     });
  }

  void read_body() {
    asio::async_read(socket_, asio::buffer(body_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->touch();
                       self->dispatch();
                       self->read_length();
                     });
  }

  void dispatch() {
    if (!engine_.within_rate(source_)) return;
    ++outstanding_;
    engine_.handle(body_, Transport::tcp, source_,
                   [self = shared_from_this()](Bytes answer) { self->queue(std::move(answer)); });
  }

  void queue(Bytes answer) {
    --outstanding_;
    if (closed_) return;
    Bytes framed(2);
    put16(framed, 0, static_cast<std::uint16_t>(answer.size()));
    framed.insert(framed.end(), answer.begin(), answer.end());
    writes_.push_back(std::move(framed));
    if (writes_.size() == 1) write_next();
    if (paused_ && outstanding_ < kMaxOutstanding) {
      paused_ = false;
      read_length();
    }
  }

  void write_next() {
    asio::async_write(socket_, asio::buffer(writes_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->touch();
                        self->writes_.pop_front();
                        if (!self->writes_.empty()) self->write_next();
                      });
  }

  tcp::socket socket_;
  Engine& engine_;
  IpAddress source_;
  std::shared_ptr<TcpListener::Counts> counts_;
  std::chrono::milliseconds idle_;
  asio::steady_timer timer_;
  std::array<std::uint8_t, 2> length_{};
  Bytes body_;
  std::deque<Bytes> writes_;
  std::size_t outstanding_ = 0;
  bool paused_ = false;
  bool closed_ = false;
};

}  // namespace

TcpListener::TcpListener(asio::io_context& io, Engine& engine, const IpAddress& address,
                         std::uint16_t port, const ResolverConfig& config)
    : engine_(engine),
      acceptor_(io),
      limits_{config.max_tcp_connections, config.max_tcp_per_source, config.tcp_idle_timeout} {
  const tcp::endpoint endpoint(to_asio(address), port);
  acceptor_.open(endpoint.protocol());
  prepare_socket(acceptor_.native_handle(), address);
  boost::system::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw_bind_error("TCP", address, port, ec);
  accept();
}

void TcpListener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      if (!peer_ec) {
        const auto source = to_ip(peer.address());
        const auto per_source = counts_->by_source.find(source);
        const bool over =
            counts_->total >= limits_.total ||
            (per_source != counts_->by_source.end() && per_source->second >= limits_.per_source);
        // Outside sources and connections over the limits are closed at once.
        if (engine_.allowed(source) && !over)
          std::make_shared<Session>(std::move(socket), engine_, source, counts_, limits_.idle)
              ->start();
      }
    }
    accept();
  });
}

}  // namespace picket::gateway::dns
