#include "auth/password_jobs.hpp"

#include <sodium.h>

#include "auth/password.hpp"

namespace picket::controller::auth {

PasswordJob::~PasswordJob() {
  if (!password.empty()) sodium_memzero(password.data(), password.size());
}

PasswordResult run_password_job(const PasswordJob& job) {
  PasswordResult result;
  if (job.kind == PasswordJob::Kind::verify)
    result.verified = verify_password(job.stored_hash, job.password);
  else
    result.hash = hash_password(job.password);
  return result;
}

namespace {
thread_local PasswordWaiter* this_threads_waiter = nullptr;
}  // namespace

PasswordWaiter* PasswordWaiter::current() {
  return this_threads_waiter;
}

PasswordWaiter::Scope::Scope(PasswordWaiter& waiter) : previous_(this_threads_waiter) {
  this_threads_waiter = &waiter;
}

PasswordWaiter::Scope::~Scope() {
  this_threads_waiter = previous_;
}

}  // namespace picket::controller::auth
