#include "api/request_body.hpp"

#include <algorithm>
#include <stdexcept>

namespace picket::controller::api {

RequestBody::RequestBody(std::string_view text, std::initializer_list<std::string_view> allowed) {
  if (text.empty()) text = "{}";
  json_ = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json_.is_discarded()) throw std::invalid_argument("the request body is not valid JSON");
  if (!json_.is_object()) throw std::invalid_argument("the request body must be a JSON object");
  for (const auto& [key, value] : json_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string known;
      for (auto field : allowed) known += (known.empty() ? "" : ", ") + std::string(field);
      // Field names are echoed only when short and printable.
      const bool printable = key.size() <= 32 && std::all_of(key.begin(), key.end(), [](char c) {
                               return c >= 0x21 && c <= 0x7e;
                             });
      throw std::invalid_argument("unknown field " +
                                  (printable ? "'" + key + "'" : std::string("in body")) +
                                  "; allowed: " + (known.empty() ? "none" : known));
    }
  }
}

bool RequestBody::has(const std::string& field) const {
  return json_.contains(field);
}

bool RequestBody::is_null(const std::string& field) const {
  return json_.contains(field) && json_.at(field).is_null();
}

std::string RequestBody::required_string(const std::string& field) const {
  auto value = optional_string(field);
  if (!value) throw std::invalid_argument("field '" + field + "' is required");
  return *value;
}

std::optional<std::string> RequestBody::optional_string(const std::string& field) const {
  if (!json_.contains(field) || json_.at(field).is_null()) return std::nullopt;
  const auto& value = json_.at(field);
  if (!value.is_string()) throw std::invalid_argument("field '" + field + "' must be a string");
  return value.get<std::string>();
}

std::optional<bool> RequestBody::optional_boolean(const std::string& field) const {
  if (!json_.contains(field) || json_.at(field).is_null()) return std::nullopt;
  const auto& value = json_.at(field);
  if (!value.is_boolean())
    throw std::invalid_argument("field '" + field + "' must be true or false");
  return value.get<bool>();
}

std::optional<std::int64_t> RequestBody::optional_integer(const std::string& field,
                                                          std::int64_t min,
                                                          std::int64_t max) const {
  if (!json_.contains(field) || json_.at(field).is_null()) return std::nullopt;
  const auto& value = json_.at(field);
  if (!value.is_number_integer())
    throw std::invalid_argument("field '" + field + "' must be an integer");
  const bool too_big =
      value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
  const auto number = too_big ? max : value.get<std::int64_t>();
  if (too_big || number < min || number > max) {
    throw std::invalid_argument("field '" + field + "' must be between " + std::to_string(min) +
                                " and " + std::to_string(max));
  }
  return number;
}

std::optional<std::vector<std::string>> RequestBody::optional_string_list(
    const std::string& field, std::size_t max_items) const {
  if (!json_.contains(field) || json_.at(field).is_null()) return std::nullopt;
  const auto& value = json_.at(field);
  if (!value.is_array())
    throw std::invalid_argument("field '" + field + "' must be a list of strings");
  if (value.size() > max_items) {
    throw std::invalid_argument("field '" + field + "' holds more than " +
                                std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string())
      throw std::invalid_argument("field '" + field + "' must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace picket::controller::api
