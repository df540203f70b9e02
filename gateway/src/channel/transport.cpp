#include "picket/gateway/channel/transport.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <map>
#include <utility>

#include "picket/gateway/error.hpp"

namespace picket::gateway::channel {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr const char* kTarget = "/picket/channel/1";

void say(const LogFn& log, const std::string& line) {
  if (log) log(line);
}

std::string describe(const error_code& ec) {
  if (ec == websocket::error::closed) return "the other side closed the connection";
  if (ec == websocket::error::message_too_big) return "a frame was larger than the limit";
  if (ec == beast::error::timeout) return "timed out";
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated)
    return "the other side dropped the connection";
  return ec.message();
}

// One WebSocket over TLS over TCP, either side. Owners hold it by
// shared_ptr; every pending operation holds it too.
class Session : public std::enable_shared_from_this<Session> {
 public:
  struct Callbacks {
    std::function<void()> opened;
    std::function<void(std::string)> frame;
    std::function<void(const std::string&)> closed;  // once, opened or not
  };

  Session(tcp::socket socket, std::shared_ptr<ssl::context> tls, TransportLimits limits)
      : tls_(std::move(tls)), ws_(std::move(socket), *tls_), limits_(limits) {
    attach_pin_check(ws_.next_layer().native_handle(), &pin);
  }
  Session(asio::io_context& io, std::shared_ptr<ssl::context> tls, TransportLimits limits)
      : tls_(std::move(tls)), ws_(io, *tls_), limits_(limits), resolver_(io) {
    attach_pin_check(ws_.next_layer().native_handle(), &pin);
  }

  PinCheck pin;
  Callbacks callbacks;

  void start_server() {
    beast::get_lowest_layer(ws_).expires_after(limits_.handshake_timeout);
    ws_.next_layer().async_handshake(
        ssl::stream_base::server, [self = shared_from_this()](const error_code& ec) {
          if (ec) return self->finish("TLS handshake failed: " + describe(ec));
          self->upgrade(/*server=*/true);
        });
  }

  void start_client(const std::string& host, std::uint16_t port) {
    host_ = host;
    resolver_->async_resolve(
        host, std::to_string(port),
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
          if (ec) return self->finish("cannot resolve the controller's host: " + describe(ec));
          if (self->finished_) return;
          beast::get_lowest_layer(self->ws_).expires_after(self->limits_.handshake_timeout);
          beast::get_lowest_layer(self->ws_).async_connect(
              results, [self](const error_code& connect_ec, const tcp::endpoint&) {
                if (connect_ec) return self->finish("cannot connect: " + describe(connect_ec));
                self->ws_.next_layer().async_handshake(
                    ssl::stream_base::client, [self](const error_code& tls_ec) {
                      if (tls_ec) return self->finish("TLS handshake failed: " + describe(tls_ec));
                      self->upgrade(/*server=*/false);
                    });
              });
        });
  }

  void send(std::string frame) {
    if (finished_ || closing_) return;
    queue_.push_back(std::move(frame));
    if (open_ && !writing_) write_next();
  }

  void close() {
    if (finished_) return;
    if (!open_) return finish("closed before it opened");
    closing_ = true;
    if (!writing_) close_now();
  }

  // No more callbacks; the socket goes at once.
  void abort() {
    callbacks = {};
    finish("closed");
  }

  bool open() const { return open_ && !finished_; }

 private:
  void upgrade(bool server) {
    if (finished_) return;
    // The WebSocket layer has timeouts of its own from here on.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = limits_.handshake_timeout;
    timeouts.idle_timeout = limits_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(limits_.max_frame);
    ws_.text(true);
    auto done = [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->finish("WebSocket handshake failed: " + describe(ec));
      if (self->finished_) return;
      self->open_ = true;
      if (auto opened = self->callbacks.opened) opened();
      if (self->finished_) return;
      if (!self->queue_.empty()) self->write_next();
      self->read_next();
    };
    if (server) {
      ws_.async_accept(std::move(done));
    } else {
      ws_.async_handshake(host_, kTarget, std::move(done));
    }
  }

  void read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) return self->finish(describe(ec));
      if (!self->ws_.got_text()) {
        self->buffer_.clear();
        return self->finish("the other side sent a binary frame; the channel speaks text only");
      }
      std::string frame = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.clear();
      // A copy: the handler may end the session, and with it this function.
      if (auto handler = self->callbacks.frame) handler(std::move(frame));
      if (!self->finished_) self->read_next();
    });
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      self->writing_ = false;
                      // Ended while this write was out (a frame handler or
                      // abort() ran finish()): the queue is no more.
                      if (self->finished_) return self->queue_.clear();
                      if (ec) return self->finish(describe(ec));
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) return self->write_next();
                      if (self->closing_) self->close_now();
                    });
  }

  void close_now() {
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](const error_code&) { self->finish("closed"); });
  }

  void finish(const std::string& reason) {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    // A write still out reads queue_.front(): its handler clears the queue.
    if (!writing_) queue_.clear();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
    if (resolver_) resolver_->cancel();
    if (auto closed = std::move(callbacks.closed)) {
      callbacks = {};
      closed(reason);
    }
    callbacks = {};
  }

  std::shared_ptr<ssl::context> tls_;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  TransportLimits limits_;
  std::optional<tcp::resolver> resolver_;
  std::string host_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

void check_frame(const std::string& frame, const TransportLimits& limits) {
  if (frame.size() > limits.max_frame)
    throw ProtocolError("a frame of " + std::to_string(frame.size()) +
                        " bytes is over the channel's limit of " +
                        std::to_string(limits.max_frame));
}

}  // namespace

// --- server ---

struct ChannelServer::Impl : std::enable_shared_from_this<ChannelServer::Impl> {
  struct Connection {
    std::shared_ptr<Session> session;
    std::string name;
    bool opened = false;
    asio::ip::address source;
  };

  // Refusals come in floods: the first of each ten seconds is logged, the
  // rest counted into the next line, so a flood cannot fill the log.
  struct RefusalLog {
    std::chrono::steady_clock::time_point last{};
    std::size_t unsaid = 0;
    bool said = false;
  };
  static constexpr std::chrono::seconds kRefusalLogEvery{10};

  Impl(asio::io_context& context, ChannelServerOptions opts, ChannelServerHandlers hs)
      : io(context),
        options(std::move(opts)),
        handlers(std::move(hs)),
        tls(make_tls_context(options.identity, /*server=*/true)),
        acceptor(context),
        retry(context) {}

  void listen() {
    error_code ec;
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec) throw Error("channel: '" + options.address + "' is not an IP address to listen on");
    const tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw Error("channel: cannot listen on " + options.address + " port " +
                  std::to_string(options.port) + ": " + ec.message());
    accept_next();
  }

  void accept_next() {
    acceptor.async_accept([weak = weak_from_this()](const error_code& ec, tcp::socket socket) {
      const auto self = weak.lock();
      if (!self || self->stopped || ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors, say: wait instead of spinning on the error.
        say(self->options.log, "channel: accepting a connection failed: " + ec.message());
        self->retry.expires_after(std::chrono::seconds(1));
        self->retry.async_wait([weak](const error_code& wait_ec) {
          if (const auto again = weak.lock(); again && !wait_ec && !again->stopped)
            again->accept_next();
        });
        return;
      }
      self->admit(std::move(socket));
      self->accept_next();
    });
  }

  void refused(const std::string& why) {
    const auto now = std::chrono::steady_clock::now();
    if (refusals.said && now - refusals.last < kRefusalLogEvery) {
      ++refusals.unsaid;
      return;
    }
    const std::size_t unsaid = std::exchange(refusals.unsaid, 0);
    refusals.said = true;
    refusals.last = now;
    say(options.log, "channel: " + why +
                         (unsaid ? " (and " + std::to_string(unsaid) +
                                       " more refused or dropped since the last such line)"
                                 : ""));
  }

  std::size_t pending_from(const asio::ip::address& source, std::size_t* all) const {
    std::size_t from = 0;
    *all = 0;
    for (const auto& [id, connection] : connections) {
      if (connection.opened) continue;
      ++*all;
      if (connection.source == source) ++from;
    }
    return from;
  }

  void admit(tcp::socket socket) {
    error_code ec;
    const asio::ip::address source = socket.remote_endpoint(ec).address();
    if (ec) return;  // gone already
    std::size_t pending = 0;
    const std::size_t from_source = pending_from(source, &pending);
    // Not the address itself: whoever dials this port may be a member
    // trying it from a phone, and member addresses are never logged.
    if (from_source >= std::max<std::size_t>(options.max_pending_per_source, 1)) {
      return refused("refused a connection: its source address already has " +
                     std::to_string(from_source) + " connections in their handshake");
    }
    if (pending >= std::max<std::size_t>(options.max_pending, 1)) {
      // The oldest has had the longest to finish; a gateway takes
      // milliseconds, an idle flood waits for its timeout.
      for (auto it = connections.begin(); it != connections.end(); ++it) {
        if (it->second.opened) continue;
        const auto session = it->second.session;
        connections.erase(it);
        session->abort();
        refused("dropped the oldest of " + std::to_string(pending) +
                " connections in their handshake for a new one (a flood of connections?)");
        break;
      }
    } else if (connections.size() >= options.max_connections) {
      return refused("refused a connection: already " + std::to_string(connections.size()) +
                     " connections");
    }
    start(std::move(socket), source);
  }

  void start(tcp::socket socket, const asio::ip::address& source) {
    const ConnectionId id = next_id++;
    auto session = std::make_shared<Session>(std::move(socket), tls, options.limits);
    connections[id] = Connection{session, {}, false, source};
    const std::weak_ptr<Impl> weak = weak_from_this();
    session->pin.accept = [weak, id](const std::string& pin) {
      const auto self = weak.lock();
      if (!self || self->stopped || !self->handlers.accept) return false;
      auto name = self->handlers.accept(pin);
      if (!name) {
        self->refused("refused a connection from key pin " + pin +
                      ": it belongs to no gateway (enrol the gateway first)");
        return false;
      }
      if (const auto it = self->connections.find(id); it != self->connections.end())
        it->second.name = *name;
      return true;
    };
    session->callbacks.opened = [weak, id] {
      const auto self = weak.lock();
      if (!self || self->stopped) return;
      const auto it = self->connections.find(id);
      if (it == self->connections.end()) return;
      it->second.opened = true;
      if (self->handlers.opened)
        self->handlers.opened(id, it->second.name, it->second.session->pin.seen);
    };
    session->callbacks.frame = [weak, id](std::string frame) {
      const auto self = weak.lock();
      if (self && !self->stopped && self->handlers.frame)
        self->handlers.frame(id, std::move(frame));
    };
    session->callbacks.closed = [weak, id](const std::string& reason) {
      const auto self = weak.lock();
      if (!self || self->stopped) return;
      const auto it = self->connections.find(id);
      if (it == self->connections.end()) return;
      const bool opened = it->second.opened;
      self->connections.erase(it);
      if (opened && self->handlers.closed) self->handlers.closed(id, reason);
    };
    session->start_server();
  }

  void stop() {
    stopped = true;
    error_code ignored;
    acceptor.close(ignored);
    retry.cancel();
    auto open = std::move(connections);
    connections.clear();
    for (auto& [id, connection] : open) connection.session->abort();
  }

  asio::io_context& io;
  ChannelServerOptions options;
  ChannelServerHandlers handlers;
  std::shared_ptr<ssl::context> tls;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  std::map<ConnectionId, Connection> connections;
  ConnectionId next_id = 1;
  bool stopped = false;
  RefusalLog refusals;
};

ChannelServer::ChannelServer(asio::io_context& io, ChannelServerOptions options,
                             ChannelServerHandlers handlers)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(handlers))) {
  impl_->listen();
}

ChannelServer::~ChannelServer() {
  impl_->stop();
}

std::uint16_t ChannelServer::port() const {
  error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void ChannelServer::send(ConnectionId id, std::string frame) {
  check_frame(frame, impl_->options.limits);
  asio::post(impl_->io,
             [weak = std::weak_ptr<Impl>(impl_), id, frame = std::move(frame)]() mutable {
               const auto self = weak.lock();
               if (!self || self->stopped) return;
               if (const auto it = self->connections.find(id); it != self->connections.end())
                 it->second.session->send(std::move(frame));
             });
}

void ChannelServer::close(ConnectionId id) {
  asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), id] {
    const auto self = weak.lock();
    if (!self || self->stopped) return;
    if (const auto it = self->connections.find(id); it != self->connections.end()) {
      // Held here: closing may erase the connection, and the map's pointer.
      const auto session = it->second.session;
      session->close();
    }
  });
}

std::size_t ChannelServer::connections() const {
  return impl_->connections.size();
}

// --- client ---

struct ChannelClient::Impl : std::enable_shared_from_this<ChannelClient::Impl> {
  Impl(asio::io_context& context, ChannelClientOptions opts, ChannelClientHandlers hs)
      : io(context),
        options(std::move(opts)),
        handlers(std::move(hs)),
        tls(make_tls_context(options.identity, /*server=*/false)) {}

  void connect() {
    if (session) session->abort();
    session = std::make_shared<Session>(io, tls, options.limits);
    Session* raw = session.get();
    const std::weak_ptr<Impl> weak = weak_from_this();
    session->pin.accept = [weak](const std::string& pin) {
      const auto self = weak.lock();
      if (!self) return false;
      if (pin == self->options.server_pin) return true;
      say(self->options.log, "channel: the controller at " + self->options.host + " port " +
                                 std::to_string(self->options.port) + " has key pin " + pin +
                                 ", not the pinned " + self->options.server_pin +
                                 "; not connecting (check the enrolment token)");
      return false;
    };
    session->callbacks.opened = [weak] {
      if (const auto self = weak.lock(); self && !self->stopped && self->handlers.connected)
        self->handlers.connected();
    };
    session->callbacks.frame = [weak](std::string frame) {
      if (const auto self = weak.lock(); self && !self->stopped && self->handlers.frame)
        self->handlers.frame(std::move(frame));
    };
    session->callbacks.closed = [weak, raw](const std::string& reason) {
      const auto self = weak.lock();
      if (!self || self->stopped) return;
      if (self->session.get() == raw) self->session.reset();
      if (self->handlers.disconnected) self->handlers.disconnected(reason);
    };
    session->start_client(options.host, options.port);
  }

  asio::io_context& io;
  ChannelClientOptions options;
  ChannelClientHandlers handlers;
  std::shared_ptr<ssl::context> tls;
  std::shared_ptr<Session> session;
  bool stopped = false;
};

ChannelClient::ChannelClient(asio::io_context& io, ChannelClientOptions options,
                             ChannelClientHandlers handlers) {
  if (!is_pin(options.server_pin))
    throw ProtocolError("the controller's key pin must be 43 base64url characters");
  impl_ = std::make_shared<Impl>(io, std::move(options), std::move(handlers));
}

ChannelClient::~ChannelClient() {
  impl_->stopped = true;
  if (impl_->session) impl_->session->abort();
}

void ChannelClient::connect() {
  asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_)] {
    if (const auto self = weak.lock(); self && !self->stopped) self->connect();
  });
}

void ChannelClient::send(std::string frame) {
  check_frame(frame, impl_->options.limits);
  asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), frame = std::move(frame)]() mutable {
    if (const auto self = weak.lock(); self && self->session) self->session->send(std::move(frame));
  });
}

void ChannelClient::close() {
  asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_)] {
    const auto self = weak.lock();
    if (!self) return;
    // Held here: closing resets self->session.
    if (const auto session = self->session) session->close();
  });
}

bool ChannelClient::is_connected() const {
  return impl_->session && impl_->session->open();
}

}  // namespace picket::gateway::channel
