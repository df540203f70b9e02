#include "api/password_worker.hpp"

#include <boost/asio/post.hpp>

namespace picket::controller::api {

namespace asio = boost::asio;

PasswordWorker::PasswordWorker(Runner runner) : runner_(std::move(runner)) {}

Api::Offload PasswordWorker::offload(asio::any_io_executor back) {
  return [this, back](const auth::PasswordJob& job, Api::PasswordDone done) {
    asio::post(pool_, [this, back, job, done = std::move(done)]() mutable {
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
    });
  };
}

void PasswordWorker::stop() {
  if (stopped_) return;
  stopped_ = true;
  pool_.stop();
  pool_.join();
}

}  // namespace picket::controller::api
