#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <filesystem>
#include <functional>
#include <memory>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

using Handler = std::function<ApiResponse(const ApiRequest&)>;

// HTTP/1.1 on a unix socket for the CLI: the socket file is mode 0600 in a
// directory only its owner can write (made 0700 when missing; an existing
// one is never changed), so only root (the owner) can talk to it. Sessions
// run on the given io_context and call `handler` on its thread.
class UnixServer {
 public:
  // Throws std::runtime_error, changing nothing, when the path cannot be
  // used: its directory exists and others can write it, or something other
  // than a stale socket is there (a file, a live picketd). The constructor
  // checks again; call this first to refuse before anything else starts.
  static void check_path(const std::filesystem::path& socket_path);

  UnixServer(boost::asio::io_context& io, std::filesystem::path socket_path, Handler handler);
  ~UnixServer();

 private:
  void accept();

  boost::asio::io_context& io_;
  std::filesystem::path path_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
};

}  // namespace picket::controller::api
