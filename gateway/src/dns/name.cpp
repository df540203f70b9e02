#include "picket/gateway/dns/name.hpp"

#include <cstdio>

namespace picket::gateway::dns {

namespace {

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::optional<std::string> host_to_wire(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return std::string(1, '\0');
  std::string wire;
  wire.reserve(text.size() + 2);
  std::size_t start = 0;
  while (start <= text.size()) {
    auto dot = text.find('.', start);
    if (dot == std::string_view::npos) dot = text.size();
    const auto label = text.substr(start, dot - start);
    if (label.empty() || label.size() > kMaxLabel) return std::nullopt;
    wire.push_back(static_cast<char>(label.size()));
    for (char c : label) {
      if (!host_char(c)) return std::nullopt;
      wire.push_back(lower(c));
    }
    start = dot + 1;
  }
  wire.push_back('\0');
  if (wire.size() > kMaxNameWire) return std::nullopt;
  return wire;
}

std::string wire_to_text(std::string_view wire) {
  if (wire.size() <= 1) return ".";
  std::string text;
  text.reserve(wire.size() + 8);
  std::size_t pos = 0;
  while (pos < wire.size()) {
    const auto length = static_cast<unsigned char>(wire[pos++]);
    if (length == 0) break;
    for (std::size_t i = 0; i < length && pos < wire.size(); ++i, ++pos) {
      const auto c = static_cast<unsigned char>(wire[pos]);
      if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' ||
          c == '$') {
        text.push_back('\\');
        text.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7f) {
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\%03u", c);
        text += escaped;
      } else {
        text.push_back(static_cast<char>(c));
      }
    }
    text.push_back('.');
  }
  return text;
}

std::string lowercase_wire(std::string_view wire) {
  std::string out(wire);
  for (auto& c : out) c = lower(c);
  return out;
}

std::string_view skip_labels(std::string_view wire, std::size_t labels_to_skip) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < labels_to_skip && pos < wire.size() && wire[pos] != 0; ++i)
    pos += 1 + static_cast<unsigned char>(wire[pos]);
  return pos < wire.size() ? wire.substr(pos) : std::string_view{};
}

std::size_t label_count(std::string_view wire) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0;
       pos += 1 + static_cast<unsigned char>(wire[pos]))
    ++count;
  return count;
}

}  // namespace picket::gateway::dns
