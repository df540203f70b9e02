#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "auth/password_jobs.hpp"

namespace picket::controller::api {

// The Argon2id jobs waiting for the one password worker. Each priority has
// a bounded share of its own, served in order (logged-in admins, then
// sources that have not failed, then sources that have), first come first
// served within one. So a flood of bogus logins fills only the share of
// sources that failed, is refused beyond it (503), and never stands
// between a real login from a clean source and the worker.
struct PasswordQueueLimits {
  std::size_t session = 16;  // a logged-in admin's password check, a new admin's hash
  std::size_t clean = 16;    // a login from a source without a failure in its window
  std::size_t suspect = 8;   // a login from a source that has failed
};

template <class Task>
class PasswordQueue {
 public:
  using Limits = PasswordQueueLimits;

  explicit PasswordQueue(Limits limits = {})
      : limits_{limits.session, limits.clean, limits.suspect} {}

  // False when the priority's share is full: the caller refuses the job.
  bool push(auth::JobPriority priority, Task task) {
    auto& queue = queues_[index(priority)];
    if (queue.size() >= limits_[index(priority)]) return false;
    queue.push_back(std::move(task));
    return true;
  }

  std::optional<Task> pop() {
    for (auto& queue : queues_) {
      if (queue.empty()) continue;
      auto task = std::move(queue.front());
      queue.pop_front();
      return task;
    }
    return std::nullopt;
  }

  std::size_t size() const {
    std::size_t total = 0;
    for (const auto& queue : queues_) total += queue.size();
    return total;
  }
  bool empty() const { return size() == 0; }
  void clear() {
    for (auto& queue : queues_) queue.clear();
  }

 private:
  static std::size_t index(auth::JobPriority priority) {
    return static_cast<std::size_t>(priority);
  }
  std::array<std::size_t, 3> limits_;
  std::array<std::deque<Task>, 3> queues_;
};

}  // namespace picket::controller::api
