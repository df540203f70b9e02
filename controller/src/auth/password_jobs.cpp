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

std::optional<PasswordResult> PasswordResults::find(const PasswordJob& job) const {
  for (const auto& [done, result] : done_)
    if (done == job) return result;
  return std::nullopt;
}

void PasswordResults::add(PasswordJob job, PasswordResult result) {
  done_.emplace_back(std::move(job), std::move(result));
}

}  // namespace picket::controller::auth
