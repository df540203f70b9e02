#pragma once

#include <filesystem>
#include <string>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

// A blocking HTTP/1.1 client for picketd's unix socket, keeping one
// connection open across calls. Throws std::runtime_error with a message that
// says whether picketd is not running or not reachable.
class UnixClient {
 public:
  explicit UnixClient(std::filesystem::path socket_path);
  ~UnixClient();
  UnixClient(const UnixClient&) = delete;
  UnixClient& operator=(const UnixClient&) = delete;

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& body = "");

 private:
  struct Connection;
  std::filesystem::path path_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace picket::controller::api
