#pragma once

#include <functional>
#include <string>

namespace picket::controller::api {

// What the unlock routes need from the daemon, which alone knows whether it
// runs in locked mode and holds the sealed state. They answer before the
// Service exists (the API's context then has none).
struct UnlockHooks {
  struct Status {
    bool locked_mode = false;   // started with --locked, or a sealed state exists
    bool unlocked = false;      // the state is open and picketd serves
    bool sealed_state = false;  // a sealed state file is on disk
  };
  std::function<Status()> status;
  // Opens (or creates) the sealed state with the passphrase and starts
  // serving; returns "opened", "created" or "converted". Throws ApiError for
  // what the caller can fix (403 passphrase_wrong, 400 invalid_passphrase).
  std::function<std::string(const std::string& passphrase)> unlock;
};

}  // namespace picket::controller::api
