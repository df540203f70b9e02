#include "api/unix_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace picket::controller::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using local = asio::local::stream_protocol;

struct UnixClient::Connection {
  asio::io_context io;
  local::socket socket{io};
  beast::flat_buffer buffer;
};

UnixClient::UnixClient(std::filesystem::path socket_path) : path_(std::move(socket_path)) {}
UnixClient::~UnixClient() = default;

ApiResponse UnixClient::call(const std::string& method, const std::string& target,
                             const std::string& body) {
  if (!connection_) {
    connection_ = std::make_unique<Connection>();
    beast::error_code ec;
    connection_->socket.connect(local::endpoint(path_.string()), ec);
    if (ec) {
      connection_.reset();
      throw std::runtime_error("cannot reach picketd at " + path_.string() + " (" + ec.message() +
                               "); is picketd running, and are you root?");
    }
  }
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "localhost");
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code ec;
  http::write(connection_->socket, request, ec);
  if (!ec) http::read(connection_->socket, connection_->buffer, parser, ec);
  if (ec) {
    connection_.reset();
    throw std::runtime_error("picketd closed the connection (" + ec.message() + "); check its log");
  }
  const auto& response = parser.get();
  if (!response.keep_alive()) connection_.reset();
  ApiResponse answer;
  answer.status = static_cast<int>(response.result_int());
  answer.body = response.body();
  return answer;
}

}  // namespace picket::controller::api
