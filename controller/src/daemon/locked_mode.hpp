#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "daemon/options.hpp"
#include "picket/controller/api.hpp"
#include "state/locked_state.hpp"

namespace picket::controller {

// picketd's side of locked mode before and at unlock; see locked_state.hpp.

// At a locked start: core dumps off (they would hold the unlocked database
// later), and an interface left up by the previous run (the kernel's, or an
// adopted wireguard-go) loses its peers and goes, so that nobody is
// connected until an admin unlocks. The interface is the one --interface
// names: the stored settings are sealed.
void enter_locked_mode(const DaemonOptions& options);

// /api/v1/unlock, on the root-only unix socket only:
//   GET  -> {"locked_mode", "unlocked", "sealed_state"}: what `picket unlock`
//           needs to know (ask for a new passphrase twice?)
//   POST {"passphrase": "..."} -> unlocks (or creates the sealed state);
//           403 passphrase_wrong, 400 for a too short new passphrase, 409
//           when already unlocked or not in locked mode.
bool is_unlock_request(const ApiRequest& request);
using UnlockAction = std::function<UnlockedState::How(const std::string& passphrase)>;
ApiResponse answer_unlock(const ApiRequest& request, bool locked_mode, bool unlocked,
                          const std::filesystem::path& state_dir, const UnlockAction& unlock);

// Every other request while locked: 423 with what to do.
ApiResponse locked_reply();

}  // namespace picket::controller
