// Argon2id off the API thread: while a login's password verification is
// held on the worker, the API thread answers other requests; the login is
// answered once the verification is let go. No timing: a gate holds the
// worker, and the test waits on it.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "api/http_server.hpp"
#include "api/password_worker.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using picket::controller::test::ApiFixture;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Holds the first job it is given until released; the others run at once.
struct Gate {
  std::promise<void> held;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> armed{true};

  auth::PasswordResult run(const auth::PasswordJob& job) {
    if (armed.exchange(false)) {
      held.set_value();
      released.wait();
    }
    return auth::run_password_job(job);
  }
};

http::request<http::string_body> request(http::verb verb, const std::string& target,
                                         const std::string& cookie, const std::string& body) {
  http::request<http::string_body> out{verb, target, 11};
  out.set(http::field::host, "127.0.0.1");
  if (!cookie.empty()) out.set(http::field::cookie, cookie);
  if (!body.empty()) out.set(http::field::content_type, "application/json");
  out.body() = body;
  out.prepare_payload();
  return out;
}

http::response<http::string_body> read_response(tcp::socket& socket) {
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

}  // namespace

TEST_CASE("api: other requests are answered while a login's Argon2id runs", "[api]") {
  ApiFixture f;
  f.setup_and_login();  // inline; the session is for the second client
  f.now += auth::kTotpStepSeconds;
  const nlohmann::json login = {
      {"username", "ana"}, {"password", test::kAdminPassword}, {"totp", f.current_code()}};

  asio::io_context io(1);
  Gate gate;
  api::PasswordWorker worker([&gate](const auth::PasswordJob& job) { return gate.run(job); });
  api::HttpHandlers handlers;
  handlers.api = [&f, offload = worker.offload(io.get_executor())](
                     ApiRequest r, api::HttpHandlers::Respond respond) {
    f.api->handle_async(std::move(r), offload, std::move(respond));
  };
  api::Listener listener{asio::ip::make_address("127.0.0.1"), 0};
  auto server = std::make_unique<api::HttpServer>(io, std::vector{listener}, nullptr, handlers);
  const auto endpoint = server->endpoints().at(0);
  // From here on only the io thread touches the fixture (Store, Accounts).
  std::thread io_thread([&io] { io.run(); });

  asio::io_context client_io;
  tcp::socket logging_in(client_io), other(client_io);
  logging_in.connect(endpoint);
  other.connect(endpoint);
  http::write(logging_in, request(http::verb::post, "/api/v1/session", "", login.dump()));
  // The worker now holds this login's verification…
  gate.held.get_future().wait();
  // …and the API thread still answers a logged-in listing.
  http::write(other, request(http::verb::get, "/api/v1/devices?limit=10", f.session_cookie, ""));
  const auto listing = read_response(other);
  CHECK(listing.result_int() == 200);
  CHECK(listing.body().find("\"devices\"") != std::string::npos);
  // The login cannot have been answered: its answer needs the held result.
  CHECK(logging_in.available() == 0);

  gate.release.set_value();
  const auto answer = read_response(logging_in);
  CHECK(answer.result_int() == 200);
  CHECK(answer[http::field::set_cookie].starts_with("picket_session="));

  worker.stop();
  server.reset();
  io.stop();
  io_thread.join();
}

TEST_CASE("api: passwords checked on the worker answer as inline ones do", "[api][auth]") {
  ApiFixture f;
  f.setup_and_login();
  const auto jobs_before = f.password_jobs;
  // A wrong password, an unknown admin (the dummy verification), the right
  // one: each a job, and the same answers as the unix socket's inline path.
  f.now += auth::kTotpStepSeconds;
  const auto body = [&](const std::string& user, const std::string& password) {
    return nlohmann::json{{"username", user}, {"password", password}, {"totp", f.current_code()}}
        .dump();
  };
  auto wrong = f.http("POST", "/api/v1/session", body("ana", "tulip marble ferry 89"));
  CHECK(f.call(wrong).status == 401);
  CHECK(f.call_inline(wrong).status == 401);
  auto unknown = f.http("POST", "/api/v1/session", body("bob", test::kAdminPassword));
  const auto deferred = f.call(unknown);
  CHECK(deferred.status == 401);
  CHECK(f.call_inline(unknown).body == deferred.body);
  CHECK(f.password_jobs == jobs_before + 2);
  CHECK(f.call(f.http("POST", "/api/v1/session", body("ana", test::kAdminPassword))).status == 200);
  // Creating an admin hashes on the worker too.
  const auto created = f.call(f.browser("POST", "/api/v1/admins",
                                        nlohmann::json{{"username", "bea"},
                                                       {"new_password", "violet anchor cobalt 12"},
                                                       {"password", test::kAdminPassword}}
                                            .dump()));
  CHECK(created.status == 201);
  // The acting admin's password checked, then the new one hashed.
  CHECK(f.password_jobs == jobs_before + 5);
}
