#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "api/api_handler.hpp"
#include "auth/password_jobs.hpp"

namespace picket::controller::api {

// One thread for Argon2id, so that a login's 0.1-0.4 s of hashing does not
// hold the API thread. One is enough: logins are rate-limited, and each job
// takes 64 MiB, which a second thread would double. Jobs wait their turn.
class PasswordWorker {
 public:
  using Runner = std::function<auth::PasswordResult(const auth::PasswordJob&)>;

  // `runner` is the computation (tests pass one that waits for them).
  explicit PasswordWorker(Runner runner = auth::run_password_job);
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
  Runner runner_;
  boost::asio::thread_pool pool_{1};
  bool stopped_ = false;
};

}  // namespace picket::controller::api
