#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace picket::controller::api {

// A JSON request body checked field by field. Unknown fields and wrong types
// are refused with std::invalid_argument naming the field, so a typo never
// silently does nothing.
class RequestBody {
 public:
  RequestBody(std::string_view text, std::initializer_list<std::string_view> allowed_fields);

  bool has(const std::string& field) const;
  bool is_null(const std::string& field) const;
  std::string required_string(const std::string& field) const;
  std::optional<std::string> optional_string(const std::string& field) const;
  std::optional<bool> optional_boolean(const std::string& field) const;
  std::optional<std::int64_t> optional_integer(const std::string& field, std::int64_t min,
                                               std::int64_t max) const;
  std::optional<std::vector<std::string>> optional_string_list(const std::string& field,
                                                               std::size_t max_items) const;

 private:
  nlohmann::json json_;
};

}  // namespace picket::controller::api
