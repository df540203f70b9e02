#include "api/password_worker.hpp"

#include <boost/asio/post.hpp>

namespace picket::controller::api {

namespace asio = boost::asio;

PasswordWorker::PasswordWorker(Runner runner, Limits limits)
    : runner_(std::move(runner)), queue_(limits), thread_([this] { work(); }) {}

Api::Offload PasswordWorker::offload(asio::any_io_executor back) {
  return [this, back](const auth::PasswordJob& job, auth::JobPriority priority,
                      Api::PasswordDone done) {
    auto task = [this, back, job, done]() mutable {
      auth::PasswordResult result;
      try {
        result = runner_(job);
      } catch (const std::exception& e) {
        // Hashing can fail (out of memory): Accounts throws this on the API
        // thread, as it would have inline.
        result.error = e.what();
      }
      asio::post(back, [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
    };
    bool queued = false;
    {
      const std::lock_guard lock(mutex_);
      queued = !stopping_ && queue_.push(priority, std::move(task));
    }
    if (queued) {
      wake_.notify_one();
      return;
    }
    auth::PasswordResult refused;
    refused.refused_retry_after = kRetryAfterSeconds;
    asio::post(back, [done = std::move(done), refused]() mutable { done(refused); });
  };
}

void PasswordWorker::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(*queue_.pop());
    }
    task();
  }
}

void PasswordWorker::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace picket::controller::api
