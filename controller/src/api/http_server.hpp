#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

// Every limit of the HTTP listeners, named.
struct HttpLimits {
  static constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
  static constexpr std::size_t kMaxBodyBytes = kMaxRequestBody;
  // As nginx's client_header_timeout and client_body_timeout, but for the
  // whole part rather than between two reads, so trickling bytes buys
  // nothing: the request line and headers must arrive within the first
  // (counted from the connection, or from the previous answer on a
  // keep-alive one, so an idle connection is closed after it too), the body
  // within the second. A slow client is cut off.
  static constexpr auto kHeaderTimeout = std::chrono::seconds(10);
  static constexpr auto kBodyTimeout = std::chrono::seconds(10);
  static constexpr auto kWriteTimeout = std::chrono::seconds(30);
  static constexpr std::size_t kMaxConnections = 512;  // per listener
  // Per source address and listener, as DNS over TCP does: one member's
  // (or one local user's) half-sent requests never fill the listener for
  // the others. Further connections from that source are closed at once.
  // Twice DNS's 16: everyone behind an SSH tunnel shares 127.0.0.1, and
  // each browser opens up to six connections.
  static constexpr std::size_t kMaxConnectionsPerSource = 32;
};

struct Listener {
  boost::asio::ip::address address;
  std::uint16_t port = 0;
  bool tls = false;      // HTTPS only
  bool metrics = false;  // serves /metrics (the loopback listener only)
};

struct HttpHandlers {
  using Respond = std::function<void(ApiResponse)>;
  // Every request (the API, /metrics, the UI's files: the route table
  // tells them apart): answers through `respond`, at once or later (a login
  // waits for Argon2id on another thread), always on the io_context's
  // thread. The connection reads nothing more until it has answered.
  std::function<void(ApiRequest, Respond)> api;
  // Whether a Host header names this server; when set, a request without
  // one is refused (400) and one naming anything else (421) before it
  // reaches the API, the UI or /metrics (DNS rebinding).
  std::function<bool(std::string_view host)> host_allowed{};
};

// HTTP/1.1 (or HTTPS) listeners with Boost.Beast, on the daemon's one
// io_context thread: the transport only. Past the limits and the Host check,
// every request goes to the one route table (api::dispatch).
class HttpServer {
 public:
  // Binds every listener or throws std::runtime_error naming the address.
  HttpServer(boost::asio::io_context& io, const std::vector<Listener>& listeners,
             std::shared_ptr<boost::asio::ssl::context> tls, HttpHandlers handlers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound endpoints (port 0 in a Listener picks a free one).
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

 private:
  struct Acceptor;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
};

// A TLS server context: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers.
// Throws std::runtime_error naming the file that could not be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace picket::controller::api
