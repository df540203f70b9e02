#include "store/lists.hpp"

namespace picket::controller {

namespace {

template <typename T>
std::string text_of(const T& item) {
  return item.str();
}
std::string text_of(const std::string& name) {
  return name;
}

template <typename T>
T parse_as(std::string_view text) {
  return T::parse(text);
}
template <>
std::string parse_as<std::string>(std::string_view text) {
  return std::string(text);
}

template <typename T>
std::string join(const std::vector<T>& items) {
  std::string text;
  for (const T& item : items) {
    if (!text.empty()) text += ',';
    text += text_of(item);
  }
  return text;
}

template <typename T>
std::vector<T> split(std::string_view text) {
  std::vector<T> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    items.push_back(parse_as<T>(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

std::string join_addresses(const std::vector<gateway::IpAddress>& addresses) {
  return join(addresses);
}
std::string join_cidrs(const std::vector<gateway::Cidr>& cidrs) {
  return join(cidrs);
}
std::vector<gateway::IpAddress> split_addresses(std::string_view text) {
  return split<gateway::IpAddress>(text);
}
std::vector<gateway::Cidr> split_cidrs(std::string_view text) {
  return split<gateway::Cidr>(text);
}
std::string join_names(const std::vector<std::string>& names) {
  return join(names);
}
std::vector<std::string> split_names(std::string_view text) {
  return split<std::string>(text);
}

}  // namespace picket::controller
