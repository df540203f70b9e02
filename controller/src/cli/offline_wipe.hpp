#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace picket::controller::cli {

// True when nothing answers on picketd's socket (it is stopped or crashed).
bool picketd_unreachable(const std::filesystem::path& socket);

// The panic wipe without picketd: a stopped picketd leaves the interface up
// with its peers, so this takes them off and removes the interface (through
// the same backends picketd uses), removes the firewall table, erases the
// database and shreds the state files. Run it in picketd's network
// namespace. Carries on past a failed step; returns what failed.
std::vector<std::string> wipe_offline(const std::filesystem::path& state_dir);

}  // namespace picket::controller::cli
