#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "auth/password_jobs.hpp"
#include "picket/controller/api.hpp"

namespace picket::controller::api {

// A request that may wait for Argon2id (0.1-0.4 s) runs on a thread of its
// own, used as a stackful coroutine: that thread and the API thread take
// turns and never run at once, so the Store, the Service and Accounts still
// see one thread at a time. Where the request needs a password job it
// suspends (auth::PasswordWaiter): the job goes to the worker, the API
// thread serves other requests, and the result resumes the request where it
// stopped. The request runs once; Accounts reads again what a wait may have
// changed.
//
// Stackful, so the handlers and Accounts stay ordinary functions (a
// stackless C++20 coroutine would have to be every function between the
// route and the password check). A thread rather than Boost.Context:
// Debian's Boost.Context switches stacks behind AddressSanitizer's back.
class RequestCoroutine : public std::enable_shared_from_this<RequestCoroutine>,
                         private auth::PasswordWaiter {
 public:
  using Body = std::function<ApiResponse()>;
  using Finished = std::function<void(ApiResponse)>;
  // Hands the job to the worker; `done` must be called once, on the API
  // thread (at once too: a refusal), with the result.
  using Offload = std::function<void(const auth::PasswordJob& job, auth::JobPriority priority,
                                     std::function<void(auth::PasswordResult)> done)>;

  // Runs `body` on its own thread until it returns or suspends, and returns
  // then (call it on the API thread). `finished` gets the answer on the API
  // thread, at once or when the last resume returns.
  static std::shared_ptr<RequestCoroutine> start(Body body, Offload offload, Finished finished);

  ~RequestCoroutine() override;
  RequestCoroutine(const RequestCoroutine&) = delete;
  RequestCoroutine& operator=(const RequestCoroutine&) = delete;

  // For a shutdown with requests still waiting (their jobs dropped): each
  // goes on with an error result that fails its request, and its answer is
  // dropped. Call it on the API thread, or after it has stopped.
  void cancel();
  bool done() const { return finished_state_; }

 private:
  RequestCoroutine(Body body, Offload offload, Finished finished);
  auth::PasswordResult wait(const auth::PasswordJob& job, auth::JobPriority priority) override;
  void resume(auth::PasswordResult result, bool deliver);
  // The API thread gives the turn and waits for it back.
  void run_body_until_it_stops();
  void after_stop(bool deliver);

  Body body_;
  Offload offload_;
  Finished finished_;
  std::mutex mutex_;
  std::condition_variable turn_changed_;
  bool body_turn_ = false;
  bool finished_state_ = false;
  bool waiting_ = false;                        // suspended in wait()
  std::optional<auth::PasswordResult> result_;  // what wait() returns
  std::optional<ApiResponse> answer_;
  std::thread thread_;
};

}  // namespace picket::controller::api
