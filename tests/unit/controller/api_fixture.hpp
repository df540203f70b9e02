#pragma once

// The whole API (routes, sessions, CSRF, audit) on the fake backend, with a
// settable clock, called the way the HTTP listener calls it.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "api/api_handler.hpp"
#include "auth/accounts.hpp"
#include "auth/totp.hpp"
#include "fake_gateway.hpp"
#include "store/audit_store.hpp"
#include "temp_dir.hpp"

namespace picket::controller::test {

inline constexpr const char* kAdminPassword = "tulip marble ferry 88";

struct ApiFixture {
  TempDir dir;
  Store store{dir / "picket.db"};
  FakeGateway gateway;
  gateway::FakeBackend& backend = gateway.backend;
  gateway::SecretKey private_key = gateway::generate_private_key();
  std::int64_t now = 1'800'000'000;
  std::unique_ptr<Service> service;
  std::unique_ptr<auth::Accounts> accounts;
  AuditStore audit{store};
  std::unique_ptr<api::Metrics> metrics;
  std::unique_ptr<api::Api> api;
  std::string session_cookie;  // "picket_session=…" after login()
  std::string csrf;
  std::string totp_secret;

  ApiFixture() {
    Settings settings;
    settings.interface_name = "fake0";
    settings.endpoint = "vpn.example.org:51820";
    settings.public_key = gateway::public_key_of(private_key);
    store.save_settings(settings);
    service = std::make_unique<Service>(store, gateway, private_key, [this] { return now; });
    service->start();
    accounts = std::make_unique<auth::Accounts>(store, [this] { return now; });
    metrics = std::make_unique<api::Metrics>(*service);
    api =
        std::make_unique<api::Api>(*service, *accounts, audit, *metrics, "http://10.77.0.1:8080/");
  }

  ApiRequest http(const std::string& method, const std::string& target,
                  const std::string& body = "") const {
    ApiRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.transport = Transport::http;
    request.content_type = body.empty() ? "" : "application/json";
    request.host = "10.77.0.1:8080";
    request.source = "10.77.0.2";
    return request;
  }

  // As a logged-in browser on the same origin would send it.
  ApiRequest browser(const std::string& method, const std::string& target,
                     const std::string& body = "") const {
    auto request = http(method, target, body);
    request.cookie = session_cookie;
    request.csrf_token = csrf;
    request.origin = "http://10.77.0.1:8080";
    request.sec_fetch_site = "same-origin";
    return request;
  }

  ApiRequest unix_socket(const std::string& method, const std::string& target,
                         const std::string& body = "") const {
    ApiRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.transport = Transport::unix_socket;
    return request;
  }

  // As the HTTP listeners call it (Api::handle_async), with each password
  // job run at once (inline, on the request's own thread).
  std::size_t password_jobs = 0;
  ApiResponse call(const ApiRequest& request) {
    std::optional<ApiResponse> answer;
    api->handle_async(
        request,
        [this](const auth::PasswordJob& job, auth::JobPriority,
               const api::Api::PasswordDone& done) {
          ++password_jobs;
          done(auth::run_password_job(job));
        },
        [&answer](ApiResponse response) { answer = std::move(response); });
    if (!answer) throw std::logic_error("handle_async did not answer");
    // As a transport does once the answer is sent.
    if (auto after = std::move(answer->after_sent)) after();
    return *answer;
  }
  // As the unix socket calls it: Argon2id inline.
  ApiResponse call_inline(const ApiRequest& request) { return api->handle(request); }
  static nlohmann::json json_of(const ApiResponse& response) {
    return nlohmann::json::parse(response.body);
  }

  static std::string set_cookie_of(const ApiResponse& response) {
    for (const auto& [name, value] : response.headers)
      if (name == "Set-Cookie") return value;
    return "";
  }

  std::string current_code() {
    // Decode the base32 secret the enrolment showed.
    std::vector<std::uint8_t> secret;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : totp_secret) {
      buffer = (buffer << 5) | static_cast<std::uint32_t>(c >= 'A' ? c - 'A' : c - '2' + 26);
      bits += 5;
      if (bits >= 8) {
        secret.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
        bits -= 8;
      }
    }
    return auth::totp_code(secret, now / auth::kTotpStepSeconds);
  }

  // Creates the first admin through the API and logs in as it.
  void setup_and_login() {
    const nlohmann::json setup = {{"setup_token", *accounts->setup_token()},
                                  {"username", "ana"},
                                  {"password", kAdminPassword}};
    const auto created = call(http("POST", "/api/v1/setup", setup.dump()));
    if (created.status != 201) throw std::runtime_error("setup failed: " + created.body);
    totp_secret = json_of(created).at("totp_secret");
    login();
  }

  ApiResponse login() {
    now += auth::kTotpStepSeconds;  // a fresh code: each is accepted once
    const nlohmann::json body = {
        {"username", "ana"}, {"password", kAdminPassword}, {"totp", current_code()}};
    auto request = http("POST", "/api/v1/session", body.dump());
    request.cookie = session_cookie;
    const auto response = call(request);
    if (response.status != 200) throw std::runtime_error("login failed: " + response.body);
    const auto cookie = set_cookie_of(response);
    session_cookie = cookie.substr(0, cookie.find(';'));
    csrf = json_of(response).at("csrf_token");
    return response;
  }

  static gateway::Key new_key() { return gateway::public_key_of(gateway::generate_private_key()); }
};

}  // namespace picket::controller::test
