#include "api/response_cache.hpp"

namespace picket::controller::api {

const ApiResponse* ResponseCache::find(const std::string& target, std::int64_t now_ms) const {
  const auto it = entries_.find(target);
  if (it == entries_.end() || now_ms - it->second.stored_at_ms >= kMaxAgeMs) return nullptr;
  return &it->second.response;
}

void ResponseCache::store(const std::string& target, const ApiResponse& response,
                          std::int64_t now_ms) {
  if (response.status != 200) return;
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[target] = Entry{response, now_ms};
}

}  // namespace picket::controller::api
