#include "store/lists.hpp"

namespace picket::controller {

namespace {

template <typename T>
std::string join(const std::vector<T>& items) {
  std::string text;
  for (const T& item : items) {
    if (!text.empty()) text += ',';
    text += item.str();
  }
  return text;
}

template <typename T>
std::vector<T> split(std::string_view text) {
  std::vector<T> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    items.push_back(T::parse(text.substr(0, comma)));
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

}  // namespace picket::controller
