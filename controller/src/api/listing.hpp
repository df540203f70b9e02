#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/target.hpp"
#include "picket/controller/service.hpp"

namespace picket::controller::api {

// limit/offset paging. Without `limit` a listing is complete (the CLI
// relies on that); browsers and scripts page with limit up to kMaxPageSize.
struct Page {
  static constexpr std::int64_t kMaxPageSize = 1000;
  std::size_t offset = 0;
  std::optional<std::size_t> limit;

  static Page from(const Query& query);
  // {"<name>": [items in the page], "total": n, "offset": o, "limit": l|null}
  nlohmann::json wrap(const char* name, nlohmann::json items, std::size_t total) const;
  // The [begin, end) indices of the page within `total` items.
  std::pair<std::size_t, std::size_t> bounds(std::size_t total) const;
};

// Device listing filters: a search text (matched against member and device
// labels), and a state: enabled, disabled, active (on the interface),
// inactive, expired.
struct DeviceFilterQuery {
  std::optional<std::string> search;
  std::optional<std::string> state;

  static DeviceFilterQuery from(const Query& query);
  bool accepts(const DeviceStatus& device, std::int64_t now) const;
};

bool label_matches(const std::string& label, const std::optional<std::string>& search);

}  // namespace picket::controller::api
