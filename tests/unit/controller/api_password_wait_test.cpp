// A request that checks a password waits for its Argon2id suspended, not
// run again: other requests are served meanwhile, it goes on from where it
// stopped with what they changed, and a shutdown ends it cleanly. No
// timing: jobs are held and released by the test (on this thread, which
// plays the API thread).
#include <catch2/catch.hpp>

#include "api_fixture.hpp"

using namespace picket::controller;
using nlohmann::json;
using picket::controller::test::ApiFixture;

namespace {

struct HeldJobs {
  struct Held {
    auth::PasswordJob job;
    api::Api::PasswordDone done;
  };
  std::vector<Held> held;
  std::size_t offloaded = 0;
  api::Api::Offload offload() {
    return [this](const auth::PasswordJob& job, auth::JobPriority, api::Api::PasswordDone done) {
      ++offloaded;
      held.push_back({job, std::move(done)});
    };
  }
  void run_all() {
    auto jobs = std::move(held);
    held.clear();
    for (auto& h : jobs) h.done(auth::run_password_job(h.job));
  }
};

ApiRequest login(const ApiFixture& f, const std::string& user, const std::string& code) {
  return f.http(
      "POST", "/api/v1/session",
      json{{"username", user}, {"password", test::kAdminPassword}, {"totp", code}}.dump());
}

}  // namespace

TEST_CASE("api: a login waits for its Argon2id once, and sees what changed meanwhile",
          "[api][auth]") {
  ApiFixture f;
  f.setup_and_login();
  const auto made = f.call_inline(
      f.unix_socket("POST", "/api/v1/admins",
                    json{{"username", "ben"}, {"new_password", test::kAdminPassword}}.dump()));
  REQUIRE(made.status == 201);
  const std::string ana_secret = f.totp_secret;
  f.totp_secret = ApiFixture::json_of(made).at("totp_secret");
  f.now += auth::kTotpStepSeconds;
  const auto ben_code = f.current_code();
  f.totp_secret = ana_secret;

  HeldJobs jobs;
  std::optional<ApiResponse> answer;
  f.api->handle_async(login(f, "ben", ben_code), jobs.offload(),
                      [&](ApiResponse response) { answer = std::move(response); });
  REQUIRE(jobs.held.size() == 1);
  CHECK_FALSE(answer);
  // Served while the login waits: root removes ben.
  CHECK(f.call_inline(f.unix_socket("DELETE", "/api/v1/admins/ben")).status == 200);
  jobs.run_all();
  REQUIRE(answer);
  // The login went on from its check (one job; a rerun would have asked for
  // a second, against the dummy hash) and found ben gone.
  CHECK(jobs.offloaded == 1);
  CHECK(answer->status == 401);
  CHECK(ApiFixture::json_of(*answer).at("code") == "login_failed");
}

TEST_CASE("api: two logins waiting with the same code: one session", "[api][auth]") {
  ApiFixture f;
  f.setup_and_login();
  f.now += auth::kTotpStepSeconds;
  const auto code = f.current_code();
  HeldJobs jobs;
  std::vector<int> statuses;
  for (int i = 0; i < 2; ++i)
    f.api->handle_async(login(f, "ana", code), jobs.offload(),
                        [&](ApiResponse response) { statuses.push_back(response.status); });
  REQUIRE(jobs.held.size() == 2);
  jobs.run_all();
  REQUIRE(statuses.size() == 2);
  // The second judges the code against the step the first has just spent.
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 401) == 1);
}

TEST_CASE("api: a shutdown ends a waiting request without an answer", "[api][auth]") {
  ApiFixture f;
  f.setup_and_login();
  f.now += auth::kTotpStepSeconds;
  HeldJobs jobs;
  bool answered = false;
  f.api->handle_async(login(f, "ana", f.current_code()), jobs.offload(),
                      [&](ApiResponse) { answered = true; });
  REQUIRE(jobs.held.size() == 1);
  f.api->cancel_suspended();
  // A result that comes late finds the request over.
  jobs.run_all();
  CHECK_FALSE(answered);
  // And the API goes on serving.
  CHECK(f.call_inline(f.unix_socket("GET", "/api/v1/admins")).status == 200);
}
