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
  // Not constant-time, and need not be: both sides come from the same
  // request (its password, and the hash read for it) — see PasswordResults.
  bool operator==(const PasswordJob&) const = default;
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

// A job and the share of the worker's queue it waits in.
struct PasswordWork {
  PasswordJob job;
  JobPriority priority = JobPriority::session;
};

// Thrown by Accounts, before it has changed anything, when it needs the
// result of a job it was not given (see PasswordResults).
class PasswordWorkNeeded : public std::exception {
 public:
  PasswordWorkNeeded(PasswordJob needed, JobPriority share)
      : job(std::move(needed)), priority(share) {}
  const char* what() const noexcept override { return "a password job must run first"; }
  PasswordJob job;
  JobPriority priority;
};

// Results of password jobs that ran off the io thread for one request. The
// request is then served again from the start with these results at hand:
// the same job (same stored hash, same password) takes its result from here
// instead of computing it, and any other job is asked for again.
class PasswordResults {
 public:
  std::optional<PasswordResult> find(const PasswordJob& job) const;
  bool has(const PasswordJob& job) const { return find(job).has_value(); }
  void add(PasswordJob job, PasswordResult result);
  std::size_t size() const { return done_.size(); }

 private:
  std::vector<std::pair<PasswordJob, PasswordResult>> done_;
};

}  // namespace picket::controller::auth
