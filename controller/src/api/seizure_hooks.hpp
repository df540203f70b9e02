#pragma once

#include <functional>
#include <string>
#include <vector>

#include "picket/controller/model.hpp"

namespace picket::controller::api {

// What the seizure routes need from the daemon beyond the Service: the
// daemon owns the state directory, the firewall and its own lifetime.
struct SeizureHooks {
  // Panic wipe: peers, interface, firewall table, database and key files,
  // then picketd stops. Carries on past a failed step; returns what failed.
  std::function<std::vector<std::string>()> wipe;
  // New gateway key pair, stored and on the interface; returns the settings.
  std::function<Settings()> rotate_key;
};

}  // namespace picket::controller::api
