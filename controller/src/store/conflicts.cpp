#include "store/conflicts.hpp"

#include <array>
#include <utility>

namespace picket::controller {

namespace {

// Matched against the column list SQLite reports, most specific first: the
// (member_id, label) pair must win over a bare "label". The three address
// columns share one message: which unique index SQLite checks first is its
// own business, and all three mean the same thing to an admin.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kConflicts{{
    {"devices.member_id, devices.label", "that member already has a device with that label"},
    {"devices.public_key", "a device with that public key already exists"},
    {"devices.host_index", "that tunnel address is already assigned to another device"},
    {"devices.ipv4", "that tunnel address is already assigned to another device"},
    {"devices.ipv6", "that tunnel address is already assigned to another device"},
    {"members.label", "a member with that label already exists"},
    {"gateways.name", "a gateway with that name is enrolled already"},
    {"gateways.pin", "a gateway with that channel key is enrolled already"},
}};

}  // namespace

std::string conflict_message(std::string_view sqlite_message) {
  for (const auto& [columns, message] : kConflicts) {
    if (sqlite_message.find(columns) != std::string_view::npos) return std::string(message);
  }
  return "that entry already exists";
}

}  // namespace picket::controller
