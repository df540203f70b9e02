#include "api/unix_server.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace picket::controller::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using local = asio::local::stream_protocol;

namespace {

constexpr auto kSessionTimeout = std::chrono::seconds(30);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(local::socket socket, const Handler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    stream_.expires_after(kSessionTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return respond_error(http::status::payload_too_large, "the request body is too large");
    if (ec) return close();
    const auto& request = parser_->get();
    ApiRequest api_request;
    api_request.method = std::string(request.method_string());
    api_request.target = std::string(request.target());
    api_request.body = request.body();
    api_request.transport = Transport::unix_socket;
    auto result = handler_(api_request);
    const bool keep_alive = request.keep_alive();
    // Bodies on this socket can carry passphrases (unlock, backup, restore):
    // no copy of one outlives its request in picketd's memory.
    sodium_memzero(api_request.body.data(), api_request.body.size());
    sodium_memzero(parser_->get().body().data(), parser_->get().body().size());
    wipe_spare_read_buffer();
    send(static_cast<http::status>(result.status), result.body, keep_alive);
    // Nothing here travels through the tunnel: work meant for after the
    // answer can run now.
    if (result.after_sent) result.after_sent();
  }

  // The parser consumed the request's bytes but they stay in the buffer's
  // storage; zero all of it except what the client already sent of its next
  // request. prepare() of exactly the spare room does not reallocate.
  void wipe_spare_read_buffer() {
    const auto spare = buffer_.prepare(buffer_.capacity() - buffer_.size());
    sodium_memzero(spare.data(), spare.size());
  }

  void respond_error(http::status status, const char* message) {
    send(status, std::string("{\"error\":\"") + message + "\",\"code\":\"body_too_large\"}", false);
  }

  void send(http::status status, std::string body, bool keep_alive) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::content_type, "application/json");
    response->set(http::field::cache_control, "no-store");
    response->keep_alive(keep_alive);
    response->body() = std::move(body);
    response->prepare_payload();
    stream_.expires_after(kSessionTimeout);
    http::async_write(
        stream_, *response,
        [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(local::socket::shutdown_both, ignored);
  }

  beast::basic_stream<local> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Handler handler_;
};

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The socket's directory: made here (mode 0700) when it is missing, and
// otherwise used only when nobody but picketd's user (or root) can write
// it, since whoever can write it can replace the socket. An existing
// directory is never changed: `--socket /tmp/x.sock` must not make /tmp 0700.
void prepare_directory(const std::filesystem::path& dir, bool create) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    if (errno != ENOENT)
      throw std::system_error(errno, std::generic_category(), "cannot inspect " + dir.string());
    if (!create) return;
    std::filesystem::create_directories(dir);
    if (::chmod(dir.c_str(), 0700) != 0) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot restrict " + dir.string() + " to mode 0700");
    }
    return;
  }
  if (!S_ISDIR(info.st_mode))
    throw std::runtime_error("refusing --socket: " + dir.string() + " is not a directory");
  if ((info.st_mode & 022) != 0 || (info.st_uid != ::geteuid() && info.st_uid != 0)) {
    throw std::runtime_error(
        "refusing --socket in " + dir.string() + " (mode " + octal(info.st_mode) +
        "): other users can write there and could replace the socket; give a path in a "
        "directory only picketd's user can write, or in one that does not exist yet "
        "(picketd creates it, mode 0700), e.g. /run/picket/picket.sock");
  }
}

// What may be at the socket's path: nothing, or a socket left by a run that
// crashed. A live socket (another picketd) or any other file is refused,
// never replaced.
void clear_stale_socket(const std::filesystem::path& path, bool remove) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return;
  if (!S_ISSOCK(info.st_mode)) {
    throw std::runtime_error("refusing --socket " + path.string() +
                             ": a file that is not a socket is there; remove it or choose "
                             "another path");
  }
  asio::io_context probe_io;
  local::socket probe(probe_io);
  beast::error_code ec;
  probe.connect(local::endpoint(path.string()), ec);
  if (!ec) {
    throw std::runtime_error("refusing --socket " + path.string() +
                             ": another picketd is already listening there");
  }
  if (remove) std::filesystem::remove(path);
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
}

}  // namespace

UnixServer::UnixServer(asio::io_context& io, std::filesystem::path socket_path, Handler handler)
    : io_(io), path_(std::move(socket_path)), handler_(std::move(handler)), acceptor_(io) {
  prepare_directory(directory_of(path_), true);
  clear_stale_socket(path_, true);
  const auto old_mask = ::umask(0177);
  try {
    acceptor_.open(local());
    acceptor_.bind(local::endpoint(path_.string()));
    acceptor_.listen();
  } catch (const std::exception& e) {
    ::umask(old_mask);
    throw std::runtime_error("cannot listen on " + path_.string() + ": " + e.what());
  }
  ::umask(old_mask);
  accept();
}

void UnixServer::check_path(const std::filesystem::path& socket_path) {
  prepare_directory(directory_of(socket_path), false);
  clear_stale_socket(socket_path, false);
}

UnixServer::~UnixServer() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  std::error_code ignored_fs;
  std::filesystem::remove(path_, ignored_fs);
}

void UnixServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, local::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler_)->start();
    accept();
  });
}

}  // namespace picket::controller::api
