#include "api/json_duplicates.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace picket::controller::api {

bool has_duplicate_keys(std::string_view text) {
  using event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> open;  // the keys of each object being read
  bool duplicate = false;
  const nlohmann::json::parser_callback_t callback = [&](int, event kind, nlohmann::json& parsed) {
    if (kind == event::object_start) {
      open.emplace_back();
    } else if (kind == event::object_end) {
      if (!open.empty()) open.pop_back();
    } else if (kind == event::key && !open.empty()) {
      if (!open.back().insert(parsed.get<std::string>()).second) duplicate = true;
    }
    // Keep every value: the parser reports an object's end only for objects
    // it kept, and the stack of open objects must see every end.
    return true;
  };
  [[maybe_unused]] const auto parsed =
      nlohmann::json::parse(text, callback, /*allow_exceptions=*/false);
  return duplicate;
}

}  // namespace picket::controller::api
