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
// 0700 directory, so only root (the owner) can talk to it. Sessions run on
// the given io_context and call `handler` on its thread.
class UnixServer {
 public:
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
