#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace picket::controller::auth {

// One Argon2id computation (0.1 to 0.4 s, 64 MiB), described by value so it
// can run on a thread that touches nothing else: no Store, no Accounts.
struct PasswordJob {
  enum class Kind { verify, hash };
  Kind kind = Kind::verify;
  std::string stored_hash;  // verify: the hash the password is checked against
  std::string password;

  PasswordJob() = default;
  PasswordJob(Kind job_kind, std::string hash, std::string secret)
      : kind(job_kind), stored_hash(std::move(hash)), password(std::move(secret)) {}
  PasswordJob(const PasswordJob&) = default;
  PasswordJob(PasswordJob&&) = default;
  PasswordJob& operator=(const PasswordJob&) = default;
  PasswordJob& operator=(PasswordJob&&) = default;
  // The password does not outlive the request in freed memory.
  ~PasswordJob();
};

struct PasswordResult {
  bool verified = false;  // verify
  std::string hash;       // hash: the new crypto_pwhash_str string
  std::string error;      // the job threw this where it ran (Accounts throws it again)
  // Not run: the worker's queue was full for this job's priority; seconds
  // after which to try again (Accounts throws PasswordWorkBusy).
  std::int64_t refused_retry_after = 0;
};

// Which share of the worker's bounded queue a job waits in; served in this
// order (api::PasswordQueue).
enum class JobPriority {
  session,  // a logged-in admin's password check; a new admin's hash
  clean,    // a login from a source with no failure in its window
  suspect,  // a login from a source that has failed
};

// The worker could not take the job now (its queue is full); nothing was
// changed and nothing counted.
class PasswordWorkBusy : public std::runtime_error {
 public:
  explicit PasswordWorkBusy(std::int64_t seconds)
      : std::runtime_error("too many password checks at once; try again in a few seconds"),
        retry_after(seconds) {}
  std::int64_t retry_after;
};

// Runs the job; safe on any thread (libsodium only).
PasswordResult run_password_job(const PasswordJob& job);

// Where a job waits when its request runs on a thread of its own
// (api::RequestCoroutine): wait() hands the job to the worker and suspends
// the request until the result is back, while the API thread serves
// others. A thread without one (the API thread itself: the unix socket,
// tests) runs the job inline.
class PasswordWaiter {
 public:
  virtual ~PasswordWaiter() = default;
  virtual PasswordResult wait(const PasswordJob& job, JobPriority priority) = 0;

  // This thread's waiter, or null.
  static PasswordWaiter* current();
  // Makes `waiter` this thread's for its lifetime.
  class Scope {
   public:
    explicit Scope(PasswordWaiter& waiter);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PasswordWaiter* previous_;
  };
};

}  // namespace picket::controller::auth
