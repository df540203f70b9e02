#include "auth/rate_limiter.hpp"

namespace picket::controller::auth {

std::int64_t RateLimiter::blocked_for(const std::string& key, std::int64_t now) {
  const auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (times.size() < max_failures_) return 0;
  return times.front() + window_ - now;
}

std::size_t RateLimiter::failures_in(const std::string& key, std::int64_t now) {
  const auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
  return times.size();
}

void RateLimiter::forgive(const std::string& key) {
  const auto it = failures_.find(key);
  if (it == failures_.end()) return;
  if (!it->second.empty()) it->second.pop_back();
  if (it->second.empty()) failures_.erase(it);
}

void RateLimiter::record_failure(const std::string& key, std::int64_t now) {
  if (failures_.size() >= kMaxKeys) forget_expired(now);
  auto& times = failures_[key];
  times.push_back(now);
  while (times.size() > max_failures_) times.pop_front();
}

void RateLimiter::forget_expired(std::int64_t now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || it->second.back() <= now - window_)
      it = failures_.erase(it);
    else
      ++it;
  }
}

}  // namespace picket::controller::auth
