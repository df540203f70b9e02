#include "api/listing.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace picket::controller::api {

Page Page::from(const Query& query) {
  Page page;
  page.offset = static_cast<std::size_t>(query.integer("offset", 0, 1'000'000'000).value_or(0));
  if (auto limit = query.integer("limit", 1, kMaxPageSize))
    page.limit = static_cast<std::size_t>(*limit);
  return page;
}

std::pair<std::size_t, std::size_t> Page::bounds(std::size_t total) const {
  const auto begin = std::min(offset, total);
  const auto end = limit ? std::min(total, begin + *limit) : total;
  return {begin, end};
}

nlohmann::json Page::wrap(const char* name, nlohmann::json items, std::size_t total) const {
  nlohmann::json out = nlohmann::json::object();
  out[name] = std::move(items);
  out["total"] = total;
  out["offset"] = offset;
  out["limit"] = limit ? nlohmann::json(*limit) : nlohmann::json(nullptr);
  return out;
}

DeviceFilterQuery DeviceFilterQuery::from(const Query& query) {
  DeviceFilterQuery filter;
  filter.search = query.text("q");
  if (filter.search && filter.search->size() > 64)
    throw std::invalid_argument("query parameter 'q' is longer than 64 characters");
  filter.state = query.text("state");
  static constexpr std::string_view kStates[] = {"enabled", "disabled", "active", "inactive",
                                                 "expired"};
  if (filter.state &&
      std::find(std::begin(kStates), std::end(kStates), *filter.state) == std::end(kStates)) {
    throw std::invalid_argument(
        "query parameter 'state' must be enabled, disabled, active, inactive or expired");
  }
  return filter;
}

bool label_matches(const std::string& label, const std::optional<std::string>& search) {
  if (!search || search->empty()) return true;
  // Labels are lower-case; the search text need not be.
  std::string needle = *search;
  std::transform(needle.begin(), needle.end(), needle.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return label.find(needle) != std::string::npos;
}

bool DeviceFilterQuery::accepts(const DeviceStatus& status, std::int64_t now) const {
  if (search && !label_matches(status.member_label, search) &&
      !label_matches(status.device.label, search)) {
    return false;
  }
  if (!state) return true;
  const auto& device = status.device;
  const bool expired = device.expires_at && *device.expires_at <= now;
  if (*state == "enabled") return device.enabled;
  if (*state == "disabled") return !device.enabled;
  if (*state == "active") return status.active;
  if (*state == "inactive") return !status.active;
  return expired;  // "expired"
}

}  // namespace picket::controller::api
