#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace picket::controller::api {

// A request target split into decoded path segments and query pairs.
struct Target {
  std::vector<std::string> path;  // all segments, e.g. {"api", "v1", "members", "alice"}
  std::vector<std::pair<std::string, std::string>> query;
};

// Path segments and query values arrive percent-encoded; they are decoded
// after splitting, so an encoded '/' can never change the route. Throws
// std::invalid_argument on a malformed escape.
std::string percent_decode(std::string_view text);
Target split_target(std::string_view target);

// Query parameters checked by name: an unknown parameter is refused, so a
// typo never silently lists everything.
class Query {
 public:
  Query(const std::vector<std::pair<std::string, std::string>>& pairs,
        std::initializer_list<std::string_view> allowed);
  std::optional<std::string> text(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min,
                                      std::int64_t max) const;

 private:
  const std::vector<std::pair<std::string, std::string>>& pairs_;
};

}  // namespace picket::controller::api
