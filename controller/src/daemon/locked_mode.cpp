#include "daemon/locked_mode.hpp"

#include <sys/prctl.h>

#include "api/replies.hpp"
#include "common/log.hpp"
#include "daemon/gateway_setup.hpp"

namespace picket::controller {

void enter_locked_mode(const DaemonOptions& options) {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    log_error("locked mode: cannot switch core dumps off; a crash could write the state to disk");
  }
  gateway::NodeOptions bare;
  bare.backend = gateway::select_backend(backend_choice(options), options.interface_name);
  gateway::GatewayNode node(std::move(bare));
  if (!node.interface_exists()) return;
  node.teardown();
  log_info("locked mode: removed the interface left by the previous run until unlock");
}

api::UnlockHooks unlock_hooks(const DaemonOptions& options, bool locked_mode,
                              std::function<bool()> unlocked, UnlockAction unlock) {
  api::UnlockHooks hooks;
  hooks.status = [state_dir = options.state_dir, locked_mode, unlocked] {
    return api::UnlockHooks::Status{locked_mode, unlocked(), sealed_state_exists(state_dir)};
  };
  hooks.unlock = [unlock = std::move(unlock)](const std::string& passphrase) -> std::string {
    try {
      const auto how = unlock(passphrase);
      return how == UnlockedState::How::created     ? "created"
             : how == UnlockedState::How::converted ? "converted"
                                                    : "opened";
    } catch (const UnlockError& e) {
      log_info("unlock refused: wrong passphrase");
      throw api::ApiError(403, "passphrase_wrong", e.what());
    } catch (const std::invalid_argument& e) {
      throw api::ApiError(400, "invalid_passphrase", e.what());
    } catch (const std::exception& e) {
      log_error(std::string("unlock failed, picketd stays locked: ") + e.what());
      throw api::ApiError(500, "unlock_failed", std::string(e.what()) + "; picketd stays locked");
    }
  };
  return hooks;
}

}  // namespace picket::controller
