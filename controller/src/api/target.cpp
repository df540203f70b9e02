#include "api/target.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace picket::controller::api {

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      throw std::invalid_argument("the request path holds a malformed %-escape");
    }
    out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

Target split_target(std::string_view target) {
  Target out;
  const auto question = target.find('?');
  std::string_view rest = target.substr(0, question);
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    out.path.push_back(percent_decode(rest.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (rest.empty()) out.path.emplace_back();  // a trailing slash is a distinct path
  }
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const auto pair = query.substr(0, amp);
      const auto eq = pair.find('=');
      if (!pair.empty()) {
        out.query.emplace_back(
            percent_decode(pair.substr(0, eq)),
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1)));
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return out;
}

Query::Query(const std::vector<std::pair<std::string, std::string>>& pairs,
             std::initializer_list<std::string_view> allowed)
    : pairs_(pairs) {
  std::string known;
  for (auto name : allowed) known += (known.empty() ? "" : ", ") + std::string(name);
  // Not a structured binding: clang 14 cannot capture one in the lambda below.
  for (const auto& pair : pairs) {
    const auto& key = pair.first;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw std::invalid_argument("unknown query parameter; allowed: " +
                                  (known.empty() ? std::string("none") : known));
    }
    if (std::count_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; }) >
        1) {
      throw std::invalid_argument("query parameter '" + key + "' is given more than once");
    }
  }
}

std::optional<std::string> Query::text(std::string_view name) const {
  for (const auto& [key, value] : pairs_)
    if (key == name) return value;
  return std::nullopt;
}

std::optional<std::int64_t> Query::integer(std::string_view name, std::int64_t min,
                                           std::int64_t max) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  const auto* end = value->data() + value->size();
  const auto [ptr, ec] = std::from_chars(value->data(), end, number);
  if (ec != std::errc() || ptr != end || number < min || number > max) {
    throw std::invalid_argument("query parameter '" + std::string(name) +
                                "' must be an integer between " + std::to_string(min) + " and " +
                                std::to_string(max));
  }
  return number;
}

}  // namespace picket::controller::api
