#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "picket/controller/store.hpp"

// The state's side of a wipe, shared by picketd's panic wipe and the CLI's
// offline wipe.
namespace picket::controller {

// Deletes every row of every table in one transaction (secure_delete zeroes
// them in the pages), then checkpoints so the main file holds the zeroed
// pages. The WAL keeps its length, so shredding it covers its old frames.
void erase_database(Store& store);

// The final pass, after every object of the daemon is gone. Returns the
// problems (empty on success).
std::vector<std::string> finish_wipe(const std::filesystem::path& state_dir);

}  // namespace picket::controller
