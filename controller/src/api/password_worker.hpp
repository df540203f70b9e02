#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "api/api_handler.hpp"
#include "api/password_queue.hpp"
#include "auth/password_jobs.hpp"

namespace picket::controller::api {

// One thread for Argon2id, so that a login's 0.1-0.4 s of hashing does not
// hold the API thread. One is enough: logins are rate-limited, and each job
// takes 64 MiB, which a second thread would double. Jobs wait in a bounded
// queue with a share per priority (PasswordQueue); a job whose share is full
// is refused at once (refused_retry_after), so a flood of logins never
// builds a backlog that a real login waits behind.
class PasswordWorker {
 public:
  using Runner = std::function<auth::PasswordResult(const auth::PasswordJob&)>;
  using Limits = PasswordQueueLimits;
  // What a refused job tells its client: the queue drains in about this long.
  static constexpr std::int64_t kRetryAfterSeconds = 3;

  // `runner` is the computation (tests pass one that waits for them).
  explicit PasswordWorker(Runner runner = auth::run_password_job, Limits limits = {});
  ~PasswordWorker() { stop(); }
  PasswordWorker(const PasswordWorker&) = delete;
  PasswordWorker& operator=(const PasswordWorker&) = delete;

  // Api::handle_async's offload: the job runs on the worker thread, and
  // `done` is posted to `back` (the API thread's executor) with its result.
  Api::Offload offload(boost::asio::any_io_executor back);

  // Drops waiting jobs and waits for the running one. Call it while the
  // executors that results are posted to still exist.
  void stop();

 private:
  void work();

  Runner runner_;
  std::mutex mutex_;
  std::condition_variable wake_;
  PasswordQueue<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace picket::controller::api
