#include "cli/when.hpp"

#include <charconv>
#include <ctime>
#include <string>

#include "cli/context.hpp"

namespace picket::controller::cli {

namespace {

constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

[[noreturn]] void bad(std::string_view text) {
  std::string shown(text.substr(0, 40));
  for (auto& c : shown) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  throw CliError("cannot read the time '" + shown +
                 "'; use a duration like 90m, 12h, 30d, 2w, a UTC time like 2026-12-01T18:00:00Z, "
                 "or @UNIXSECONDS");
}

bool read_number(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

std::int64_t parse_when(std::string_view text, std::int64_t now) {
  std::int64_t number = 0;
  if (!text.empty() && text.front() == '@') {
    if (!read_number(text.substr(1), number) || number > kMaxSeconds) bad(text);
    return number;
  }
  if (text.size() >= 2) {
    const char unit = text.back();
    const std::int64_t scale = unit == 's'   ? 1
                               : unit == 'm' ? 60
                               : unit == 'h' ? 3600
                               : unit == 'd' ? 86400
                               : unit == 'w' ? 604800
                                             : 0;
    if (scale != 0 && read_number(text.substr(0, text.size() - 1), number)) {
      if (number == 0 || number > (kMaxSeconds - now) / scale) bad(text);
      return now + number * scale;
    }
  }
  std::tm tm{};
  const std::string copy(text);
  const char* end = ::strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') bad(text);
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace picket::controller::cli
