#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace picket::controller::auth {

// Counts failures per key (a username, a source address) in a sliding
// window. In memory only: a source address is never written anywhere.
class RateLimiter {
 public:
  RateLimiter(std::size_t max_failures, std::int64_t window_seconds)
      : max_failures_(max_failures), window_(window_seconds) {}

  // Seconds until the key may try again; 0 when it may now.
  std::int64_t blocked_for(const std::string& key, std::int64_t now);
  void record_failure(const std::string& key, std::int64_t now);
  void reset(const std::string& key) { failures_.erase(key); }
  void clear() { failures_.clear(); }
  // Takes back the newest failure of `key` (an attempt counted before its
  // outcome was known turned out good, or never ran).
  void forgive(const std::string& key);
  // Whether `key` has a failure within the window.
  bool has_failed(const std::string& key, std::int64_t now) { return failures_in(key, now) > 0; }
  std::size_t failures_in(const std::string& key, std::int64_t now);

 private:
  // Beyond this many keys, expired ones are dropped, so a flood of sources
  // cannot grow memory without bound.
  static constexpr std::size_t kMaxKeys = 100'000;
  void forget_expired(std::int64_t now);

  std::size_t max_failures_;
  std::int64_t window_;
  std::unordered_map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace picket::controller::auth
