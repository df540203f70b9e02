#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

// Answers of cacheable read routes (listings), by target. Any successful
// change through the API empties it, and an answer is at most kMaxAgeMs
// old, which bounds how late an expiry shows in "active". It lets the one
// API thread serve a browser's polling (and 64 clients) without re-reading
// and re-encoding thousands of devices per request.
class ResponseCache {
 public:
  static constexpr std::int64_t kMaxAgeMs = 1000;
  static constexpr std::size_t kMaxEntries = 256;

  const ApiResponse* find(const std::string& target, std::int64_t now_ms) const;
  void store(const std::string& target, const ApiResponse& response, std::int64_t now_ms);
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    ApiResponse response;
    std::int64_t stored_at_ms;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace picket::controller::api
