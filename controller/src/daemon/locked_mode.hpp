#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "api/unlock_hooks.hpp"
#include "daemon/options.hpp"
#include "state/locked_state.hpp"

namespace picket::controller {

// picketd's side of locked mode before and at unlock; see locked_state.hpp.

// At a locked start: core dumps off (they would hold the unlocked database
// later), and an interface left up by the previous run (the kernel's, or an
// adopted wireguard-go) loses its peers and goes, so that nobody is
// connected until an admin unlocks. The interface is the one --interface
// names: the stored settings are sealed.
void enter_locked_mode(const DaemonOptions& options);

// The unlock routes' view of picketd (api/unlock_routes.cpp): `unlock`
// runs on the io thread, opens the state and starts serving. Its errors
// come back as the API's (403 passphrase_wrong, 400 invalid_passphrase,
// 500 unlock_failed: picketd stays locked).
using UnlockAction = std::function<UnlockedState::How(const std::string& passphrase)>;
api::UnlockHooks unlock_hooks(const DaemonOptions& options, bool locked_mode,
                              std::function<bool()> unlocked, UnlockAction unlock);

}  // namespace picket::controller
