// Logins at once cannot stall a real one: attempts are counted before their
// Argon2id runs, the worker's queue is bounded with a share per priority,
// and a refused job counts nothing. No timing: jobs are held and released by
// the test.
#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "api/password_queue.hpp"
#include "api/password_worker.hpp"
#include "api_fixture.hpp"

using namespace picket::controller;
using auth::JobPriority;
using nlohmann::json;
using picket::controller::test::ApiFixture;

namespace {

// An offload that keeps every job until the test runs or refuses it.
struct HeldJobs {
  struct Held {
    auth::PasswordJob job;
    JobPriority priority;
    api::Api::PasswordDone done;
  };
  std::vector<Held> held;
  api::Api::Offload offload() {
    return [this](const auth::PasswordJob& job, JobPriority priority, api::Api::PasswordDone done) {
      held.push_back({job, priority, std::move(done)});
    };
  }
  void run_all() {
    auto jobs = std::move(held);
    held.clear();
    for (auto& h : jobs) h.done(auth::run_password_job(h.job));
  }
};

ApiRequest login_from(const ApiFixture& f, const std::string& source, const std::string& user,
                      const std::string& password, const std::string& totp = "000000") {
  auto request = f.http("POST", "/api/v1/session",
                        json{{"username", user}, {"password", password}, {"totp", totp}}.dump());
  request.source = source;
  return request;
}

}  // namespace

TEST_CASE("password queue: a share per priority, served in priority order", "[api][flood]") {
  api::PasswordQueue<int> queue({2, 2, 1});
  CHECK(queue.push(JobPriority::suspect, 1));
  CHECK_FALSE(queue.push(JobPriority::suspect, 2));  // the suspects' share is full...
  CHECK(queue.push(JobPriority::clean, 3));          // ...the others' is not
  CHECK(queue.push(JobPriority::clean, 4));
  CHECK_FALSE(queue.push(JobPriority::clean, 5));
  CHECK(queue.push(JobPriority::session, 6));
  CHECK(queue.size() == 4);
  CHECK(queue.pop() == 6);
  CHECK(queue.pop() == 3);
  CHECK(queue.pop() == 4);
  CHECK(queue.push(JobPriority::suspect, 7) == false);  // 1 still waits
  CHECK(queue.pop() == 1);
  CHECK_FALSE(queue.pop().has_value());
  CHECK(queue.push(JobPriority::suspect, 8));
  queue.clear();
  CHECK(queue.empty());
}

TEST_CASE("api: logins at once are counted before their Argon2id", "[api][flood]") {
  ApiFixture f;
  f.setup_and_login();
  HeldJobs jobs;
  int answered = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    f.api->handle_async(login_from(f, "10.77.0.66", "user" + std::to_string(i), "bogus password"),
                        jobs.offload(), [&](ApiResponse response) {
                          ++answered;
                          if (response.status == 429) ++limited;
                        });
  }
  // Only the per-source limit's worth ever reaches the worker; the rest are
  // refused at once, before any hash, while the first ten still wait.
  CHECK(jobs.held.size() == auth::Accounts::kFailuresPerSource);
  CHECK(limited == 30 - static_cast<int>(auth::Accounts::kFailuresPerSource));
  CHECK(jobs.held.front().priority == JobPriority::clean);  // its source had not failed yet
  CHECK(jobs.held.back().priority == JobPriority::suspect);
  jobs.run_all();
  CHECK(answered == 30);
  // A real login from a source that has not failed waits in the clean share.
  f.now += auth::kTotpStepSeconds;
  std::optional<ApiResponse> real;
  f.api->handle_async(login_from(f, "10.77.0.2", "ana", test::kAdminPassword, f.current_code()),
                      jobs.offload(), [&](ApiResponse response) { real = std::move(response); });
  REQUIRE(jobs.held.size() == 1);
  CHECK(jobs.held.front().priority == JobPriority::clean);
  jobs.run_all();
  REQUIRE(real);
  CHECK(real->status == 200);
}

TEST_CASE("api: a login the worker refuses answers 503 and counts nothing", "[api][flood]") {
  ApiFixture f;
  f.setup_and_login();
  const api::Api::Offload refuse = [](const auth::PasswordJob&, JobPriority,
                                      api::Api::PasswordDone done) {
    auth::PasswordResult result;
    result.refused_retry_after = 3;
    done(result);
  };
  for (int i = 0; i < 20; ++i) {
    std::optional<ApiResponse> answer;
    f.api->handle_async(login_from(f, "10.77.0.2", "ana", "bogus password"), refuse,
                        [&](ApiResponse response) { answer = std::move(response); });
    REQUIRE(answer);
    CHECK(answer->status == 503);
    CHECK(ApiFixture::json_of(*answer).at("code") == "busy");
    const auto retry = std::find_if(answer->headers.begin(), answer->headers.end(),
                                    [](const auto& h) { return h.first == "Retry-After"; });
    REQUIRE(retry != answer->headers.end());
    CHECK(retry->second == "3");
  }
  // Twenty refusals counted neither against ana nor against the source.
  f.now += auth::kTotpStepSeconds;
  CHECK(f.call(login_from(f, "10.77.0.2", "ana", test::kAdminPassword, f.current_code())).status ==
        200);
}

TEST_CASE("password worker: a full share is refused, the queue serves by priority",
          "[api][flood]") {
  std::promise<void> held, release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  std::mutex order_mutex;
  std::vector<std::string> order;
  api::PasswordWorker worker(
      [&](const auth::PasswordJob& job) {
        if (first.exchange(false)) {
          held.set_value();
          released.wait();
        }
        const std::lock_guard lock(order_mutex);
        order.push_back(job.password);
        return auth::PasswordResult{};
      },
      {1, 1, 1});
  boost::asio::io_context io;
  // run_one() below waits for the worker's results instead of returning
  // at once while none is posted yet.
  auto keep_running = boost::asio::make_work_guard(io);
  auto offload = worker.offload(io.get_executor());
  std::vector<std::string> refused;
  int done = 0;
  auto submit = [&](const std::string& name, JobPriority priority) {
    offload(auth::PasswordJob(auth::PasswordJob::Kind::verify, "", name), priority,
            [&, name](auth::PasswordResult result) {
              ++done;
              if (result.refused_retry_after > 0) refused.push_back(name);
            });
  };
  submit("running", JobPriority::suspect);
  held.get_future().wait();  // the worker holds it; the queue is empty
  submit("suspect", JobPriority::suspect);
  submit("suspect-2", JobPriority::suspect);  // beyond the suspects' share
  submit("clean", JobPriority::clean);
  submit("session", JobPriority::session);
  release.set_value();
  while (done < 5) io.run_one();
  CHECK(refused == std::vector<std::string>{"suspect-2"});
  CHECK(order == std::vector<std::string>{"running", "session", "clean", "suspect"});
  worker.stop();
}
