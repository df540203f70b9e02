// The CLI's unix socket: keep-alive and pipelined requests are answered in
// order even though each request's bytes are wiped from the read buffer once
// handled (bodies can carry passphrases).
#include "api/unix_server.hpp"

#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "api/unix_client.hpp"

using namespace picket::controller;
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

struct UnixServerFixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("picket-unix-" + std::to_string(::getpid()));
  std::filesystem::path socket = dir / "sock" / "picket.sock";
  asio::io_context io;
  std::vector<std::string> bodies_seen;
  std::unique_ptr<api::UnixServer> server;
  std::thread thread;

  UnixServerFixture() {
    server = std::make_unique<api::UnixServer>(io, socket, [this](const ApiRequest& request) {
      bodies_seen.push_back(request.body);
      return ApiResponse{200, "{\"echo\":" + request.body + "}"};
    });
    thread = std::thread([this] { io.run(); });
  }
  ~UnixServerFixture() {
    asio::post(io, [this] { server.reset(); });
    thread.join();
    std::filesystem::remove_all(dir);
  }
};

std::string post(const std::string& body) {
  return "POST /api/v1/unlock HTTP/1.1\r\nHost: picketd\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("unix server: keep-alive calls each get their own answer", "[api]") {
  UnixServerFixture f;
  api::UnixClient client(f.socket);
  for (int i = 0; i < 3; ++i) {
    const auto body = "{\"passphrase\":\"correct horse " + std::to_string(i) + "\"}";
    const auto answer = client.call("POST", "/api/v1/unlock", body);
    CHECK(answer.status == 200);
    CHECK(answer.body == "{\"echo\":" + body + "}");
  }
  CHECK(f.bodies_seen.size() == 3);
}

TEST_CASE("unix server: pipelined requests survive the wipe of the one before", "[api]") {
  UnixServerFixture f;
  local::socket socket(f.io);
  socket.connect(local::endpoint(f.socket.string()));
  const std::string first = R"({"passphrase":"first secret phrase"})";
  const std::string second = R"({"passphrase":"second secret phrase"})";
  // Both requests in one write: the second is in the read buffer while the
  // first is handled and wiped.
  asio::write(socket, asio::buffer(post(first) + post(second)));
  std::string received;
  std::array<char, 4096> chunk{};
  boost::system::error_code ec;
  while (received.find(second + "}") == std::string::npos && !ec) {
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    received.append(chunk.data(), n);
  }
  REQUIRE_FALSE(ec);
  CHECK(received.find("{\"echo\":" + first + "}") < received.find("{\"echo\":" + second + "}"));
  REQUIRE(f.bodies_seen.size() == 2);
  CHECK(f.bodies_seen[0] == first);
  CHECK(f.bodies_seen[1] == second);
}

TEST_CASE("unix server: the socket's path is checked, never forced", "[api]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("picket-unix-path-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  asio::io_context io;
  const auto answer = [](const ApiRequest&) { return ApiResponse{}; };
  auto mode_of = [](const std::filesystem::path& path) {
    return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  };
  SECTION("a directory others can write is refused and left as it was") {
    const auto shared = dir / "shared";
    std::filesystem::create_directory(shared);
    std::filesystem::permissions(shared,
                                 std::filesystem::perms::all | std::filesystem::perms::sticky_bit);
    CHECK_THROWS_WITH(api::UnixServer(io, shared / "x.sock", answer),
                      Catch::Contains("other users can write there"));
    CHECK(mode_of(shared) == std::filesystem::perms::all);
    CHECK_FALSE(std::filesystem::exists(shared / "x.sock"));
  }
  SECTION("a file that is not a socket is never replaced") {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    const auto file = dir / "precious";
    { std::ofstream(file) << "keep me"; }
    CHECK_THROWS_WITH(api::UnixServer(io, file, answer), Catch::Contains("not a socket"));
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    CHECK(text == "keep me");
  }
  SECTION("a live socket is refused; a stale one is replaced") {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    const auto path = dir / "picket.sock";
    {
      api::UnixServer first(io, path, answer);
      CHECK_THROWS_WITH(api::UnixServer(io, path, answer), Catch::Contains("already listening"));
    }
    // A crashed run leaves its socket behind: bound, nobody listening.
    local::acceptor left(io);
    left.open();
    left.bind(local::endpoint(path.string()));
    left.close();
    CHECK(std::filesystem::is_socket(path));
    CHECK_NOTHROW(api::UnixServer(io, path, answer));
  }
  SECTION("a missing directory is made, private") {
    const auto made = dir / "made" / "here";
    { api::UnixServer server(io, made / "picket.sock", answer); }
    CHECK(mode_of(made) == std::filesystem::perms::owner_all);
  }
  std::filesystem::remove_all(dir);
}
