#include "api/request_coroutine.hpp"

#include "api/replies.hpp"

namespace picket::controller::api {

RequestCoroutine::RequestCoroutine(Body body, Offload offload, Finished finished)
    : body_(std::move(body)), offload_(std::move(offload)), finished_(std::move(finished)) {}

RequestCoroutine::~RequestCoroutine() {
  // Only the last owner gets here: the body has returned (a suspended one
  // is owned by its pending resume), so the thread is at its end.
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<RequestCoroutine> RequestCoroutine::start(Body body, Offload offload,
                                                          Finished finished) {
  std::shared_ptr<RequestCoroutine> self(
      new RequestCoroutine(std::move(body), std::move(offload), std::move(finished)));
  self->thread_ = std::thread([raw = self.get()] {
    {
      std::unique_lock lock(raw->mutex_);
      raw->turn_changed_.wait(lock, [raw] { return raw->body_turn_; });
    }
    ApiResponse answer;
    {
      const auth::PasswordWaiter::Scope scope(*raw);
      try {
        answer = raw->body_();
      } catch (...) {
        answer = reply_for_current_exception();
      }
    }
    const std::lock_guard lock(raw->mutex_);
    raw->answer_ = std::move(answer);
    raw->finished_state_ = true;
    raw->body_turn_ = false;
    raw->turn_changed_.notify_all();
  });
  self->run_body_until_it_stops();
  self->after_stop(true);
  return self;
}

void RequestCoroutine::run_body_until_it_stops() {
  std::unique_lock lock(mutex_);
  body_turn_ = true;
  turn_changed_.notify_all();
  turn_changed_.wait(lock, [this] { return !body_turn_; });
}

void RequestCoroutine::after_stop(bool deliver) {
  if (!finished_state_) return;  // suspended: a resume owns it now
  thread_.join();
  auto finished = std::move(finished_);
  if (deliver && finished) finished(std::move(*answer_));
}

auth::PasswordResult RequestCoroutine::wait(const auth::PasswordJob& job,
                                            auth::JobPriority priority) {
  // On the request's thread, holding the turn.
  {
    const std::lock_guard lock(mutex_);
    result_.reset();
    waiting_ = true;
  }
  // `done` may run now, on this thread (a refusal, a test's inline job), or
  // later on the API thread; either way the result is taken once.
  // The pending `done` owns the suspended request.
  struct Once {
    std::shared_ptr<RequestCoroutine> target;
    bool fired = false;
    ~Once() {
      // Dropped without a result (the worker stopped): go on failing.
      if (!fired && target) target->cancel();
    }
  };
  auto once = std::make_shared<Once>();  // made in place: a copy's end would cancel
  once->target = shared_from_this();
  const auto caller = std::this_thread::get_id();
  offload_(job, priority, [once, caller](auth::PasswordResult result) {
    if (once->fired) return;
    once->fired = true;
    auto self = once->target;
    if (std::this_thread::get_id() == caller) {
      // Inline: no turn to give.
      const std::lock_guard lock(self->mutex_);
      self->result_ = std::move(result);
      return;
    }
    self->resume(std::move(result), true);
  });
  once.reset();
  std::unique_lock lock(mutex_);
  if (!result_) {
    // Suspend: the turn goes back to the API thread until a resume.
    body_turn_ = false;
    turn_changed_.notify_all();
    turn_changed_.wait(lock, [this] { return body_turn_; });
  }
  waiting_ = false;
  auto result = std::move(*result_);
  result_.reset();
  return result;
}

void RequestCoroutine::resume(auth::PasswordResult result, bool deliver) {
  // On the API thread (or after it stopped). The pending resume was the
  // only owner: keep this alive until the body stops again.
  auto keep = shared_from_this();
  {
    const std::lock_guard lock(mutex_);
    if (!waiting_ || result_) return;
    result_ = std::move(result);
  }
  run_body_until_it_stops();
  after_stop(deliver);
}

void RequestCoroutine::cancel() {
  auth::PasswordResult stopped;
  stopped.error = "picketd is stopping; the password was not checked";
  resume(std::move(stopped), false);
}

}  // namespace picket::controller::api
