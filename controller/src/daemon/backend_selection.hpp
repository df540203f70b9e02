#pragma once

#include <memory>
#include <string>

#include "daemon/options.hpp"
#include "picket/gateway/backend.hpp"

namespace picket::controller {

// Picks the WireGuard backend named by options.backend ("auto" or
// "userspace"). The kernel backend joins "auto" once it exists.
std::unique_ptr<gateway::WireGuardBackend> select_backend(const DaemonOptions& options,
                                                          const std::string& interface_name);

}  // namespace picket::controller
