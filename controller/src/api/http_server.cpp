#include "api/http_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "api/replies.hpp"
#include "api/target.hpp"
#include "web/static_response.hpp"

namespace picket::controller::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Asio opens sockets without close-on-exec; wireguard-go, which the
// userspace backend may (re)start later, must not inherit them and keep the
// port bound after picketd exits.
void close_on_exec(int fd) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

struct Shared {
  HttpHandlers handlers;
  Listener listener;
  std::shared_ptr<ssl::context> tls;
  std::size_t open_connections = 0;
  // Open connections per source address; in memory only, never logged.
  std::unordered_map<std::string, std::size_t> per_source{};
};

void add_security_headers(http::response<http::string_body>& response, bool tls) {
  for (const auto& [name, value] : web::security_headers()) response.set(name, value);
  if (tls) response.set(http::field::strict_transport_security, "max-age=31536000");
}

ApiRequest to_api_request(const http::request<http::string_body>& request, bool tls,
                          std::string source, bool metrics_listener) {
  ApiRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  out.body = request.body();
  out.transport = Transport::http;
  out.content_type = std::string(request[http::field::content_type]);
  out.cookie = std::string(request[http::field::cookie]);
  out.csrf_token = std::string(request["X-CSRF-Token"]);
  out.origin = std::string(request[http::field::origin]);
  out.sec_fetch_site = std::string(request["Sec-Fetch-Site"]);
  out.host = std::string(request[http::field::host]);
  out.background = request["X-Picket-Background"] == "1";
  out.source = std::move(source);
  out.tls = tls;
  out.accept_encoding = std::string(request[http::field::accept_encoding]);
  out.if_none_match = std::string(request[http::field::if_none_match]);
  out.metrics_listener = metrics_listener;
  return out;
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(std::shared_ptr<Shared> shared, std::string source, Args&&... args)
      : stream_(std::forward<Args>(args)...),
        shared_(std::move(shared)),
        source_(std::move(source)) {
    ++shared_->open_connections;
    ++shared_->per_source[source_];
  }
  ~Session() {
    --shared_->open_connections;
    const auto it = shared_->per_source.find(source_);
    if (it != shared_->per_source.end() && --it->second == 0) shared_->per_source.erase(it);
  }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(HttpLimits::kHeaderTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->read();
                              });
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(HttpLimits::kMaxHeaderBytes);
    parser_->body_limit(HttpLimits::kMaxBodyBytes);
    beast::get_lowest_layer(stream_).expires_after(HttpLimits::kHeaderTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec || parser_->is_done()) return on_read(ec);
    beast::get_lowest_layer(stream_).expires_after(HttpLimits::kBodyTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) {
                       self->on_read(read_ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return send(error_reply(413, "body_too_large", "the request body is too large"), false);
    if (ec == http::error::header_limit) {
      return send(error_reply(431, "headers_too_large", "the request headers are too large"),
                  false);
    }
    // A timeout (slow client), a closed connection or an I/O error: hang up.
    static const auto& http_errors = http::make_error_code(http::error::bad_target).category();
    if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
        ec == http::error::partial_message || (ec && ec.category() != http_errors)) {
      return close();
    }
    if (ec)
      return send(error_reply(400, "bad_request", "the request is not valid HTTP/1.1"), false);
    const auto& request = parser_->get();
    if (shared_->handlers.host_allowed) {
      const auto host = request[http::field::host];
      if (host.empty())
        return send(error_reply(400, "host_missing", "the request has no Host header"), false);
      if (!shared_->handlers.host_allowed(host)) {
        return send(error_reply(421, "misdirected_request",
                                "this server does not answer to that host name; open it by the "
                                "address it listens on (127.0.0.1, the tunnel address) or the "
                                "gateway's endpoint name"),
                    false);
      }
    }
    const bool tls = !std::is_same_v<Stream, beast::tcp_stream>;
    shared_->handlers.api(to_api_request(request, tls, source_, shared_->listener.metrics),
                          [self = this->shared_from_this(), keep_alive = request.keep_alive()](
                              ApiResponse answer) { self->send(std::move(answer), keep_alive); });
  }

  void send(ApiResponse api_response, bool keep_alive) {
    const bool tls = !std::is_same_v<Stream, beast::tcp_stream>;
    auto after = std::move(api_response.after_sent);
    if (after) keep_alive = false;
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(api_response.status), 11);
    if (!api_response.content_type.empty()) {
      response->set(http::field::content_type, api_response.content_type);
      response->set(http::field::cache_control, "no-store");
    }
    add_security_headers(*response, tls);
    for (const auto& [name, value] : api_response.headers) response->insert(name, value);
    response->keep_alive(keep_alive);
    response->body() = std::move(api_response.body);
    response->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(HttpLimits::kWriteTimeout);
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response, keep_alive,
                       after = std::move(after)](beast::error_code ec, std::size_t) mutable {
                        if (after) return self->linger(std::move(after));
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  // The answer is written; `after` may cut the path it travels on (the
  // caller's own tunnel), so it waits until the client has read it and
  // closed, or for kLingerTimeout, whichever comes first.
  void linger(std::function<void()> after) {
    auto& lowest = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.expires_after(kLingerTimeout);
    lowest.async_read_some(asio::buffer(linger_buffer_),
                           [self = this->shared_from_this(), after = std::move(after)](
                               beast::error_code, std::size_t) {
                             self->close();
                             after();
                           });
  }

  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  static constexpr auto kLingerTimeout = std::chrono::seconds(3);
  std::array<char, 512> linger_buffer_{};
  Stream stream_;
  std::shared_ptr<Shared> shared_;
  std::string source_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct HttpServer::Acceptor {
  Acceptor(asio::io_context& io, std::shared_ptr<Shared> common)
      : acceptor(io), shared(std::move(common)) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) start_session(std::move(socket));
      accept();
    });
  }

  void start_session(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    std::string source = ec ? std::string("unknown") : peer.address().to_string();
    const auto from_source = shared->per_source.find(source);
    if (shared->open_connections >= HttpLimits::kMaxConnections ||
        (from_source != shared->per_source.end() &&
         from_source->second >= HttpLimits::kMaxConnectionsPerSource)) {
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    close_on_exec(socket.native_handle());
    socket.set_option(tcp::no_delay(true), ec);
    if (shared->listener.tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          shared, std::move(source), std::move(socket), *shared->tls)
          ->start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(shared, std::move(source), std::move(socket))
          ->start();
    }
  }

  tcp::acceptor acceptor;
  std::shared_ptr<Shared> shared;
};

HttpServer::HttpServer(asio::io_context& io, const std::vector<Listener>& listeners,
                       std::shared_ptr<ssl::context> tls, HttpHandlers handlers) {
  for (const auto& listener : listeners) {
    if (listener.tls && !tls) throw std::logic_error("a TLS listener without a TLS context");
    auto shared = std::make_shared<Shared>(Shared{handlers, listener, tls, 0});
    auto acceptor = std::make_unique<Acceptor>(io, shared);
    const tcp::endpoint endpoint(listener.address, listener.port);
    try {
      acceptor->acceptor.open(endpoint.protocol());
      close_on_exec(acceptor->acceptor.native_handle());
      acceptor->acceptor.set_option(tcp::acceptor::reuse_address(true));
      // The tunnel address may be briefly absent (the interface is being
      // recreated after drift); bind to it anyway.
      const int one = 1;
      const int level = endpoint.address().is_v4() ? IPPROTO_IP : IPPROTO_IPV6;
      const int option = endpoint.address().is_v4() ? IP_FREEBIND : IPV6_FREEBIND;
      ::setsockopt(acceptor->acceptor.native_handle(), level, option, &one, sizeof one);
      acceptor->acceptor.bind(endpoint);
      acceptor->acceptor.listen();
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen for the admin API on " +
                               endpoint.address().to_string() + " port " +
                               std::to_string(listener.port) + ": " + e.what());
    }
    acceptor->accept();
    acceptors_.push_back(std::move(acceptor));
  }
}

HttpServer::~HttpServer() {
  for (auto& acceptor : acceptors_) {
    beast::error_code ignored;
    acceptor->acceptor.close(ignored);
  }
}

std::vector<tcp::endpoint> HttpServer::endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& acceptor : acceptors_) out.push_back(acceptor->acceptor.local_endpoint());
  return out;
}

}  // namespace picket::controller::api
