#include "api/host_check.hpp"

#include <algorithm>
#include <cctype>

namespace picket::controller::api {

namespace {

bool digits(std::string_view text) {
  return !text.empty() && text.size() <= 5 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::optional<std::string> host_of(std::string_view header) {
  std::string_view host;
  if (!header.empty() && header.front() == '[') {
    const auto close = header.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = header.substr(1, close - 1);
    const auto rest = header.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !digits(rest.substr(1)))) return std::nullopt;
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
        })) {
      return std::nullopt;
    }
  } else {
    const auto colon = header.find(':');
    host = header.substr(0, colon);
    if (colon != std::string_view::npos && !digits(header.substr(colon + 1))) return std::nullopt;
    if (host.empty() || !std::all_of(host.begin(), host.end(), host_char)) return std::nullopt;
    if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  }
  std::string out;
  for (char c : host) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool host_allowed(std::string_view header, const std::vector<std::string>& names) {
  const auto host = host_of(header);
  return host && std::find(names.begin(), names.end(), *host) != names.end();
}

}  // namespace picket::controller::api
