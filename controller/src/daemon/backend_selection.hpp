#pragma once

#include <memory>
#include <string>

#include "daemon/options.hpp"
#include "picket/gateway/backend.hpp"

namespace picket::controller {

// Picks the WireGuard backend named by options.backend: "kernel",
// "userspace", or "auto" (an existing interface keeps its backend; otherwise
// the kernel when it can create a wireguard link, else wireguard-go, else an
// Error naming what to install).
std::unique_ptr<gateway::WireGuardBackend> select_backend(const DaemonOptions& options,
                                                          const std::string& interface_name);

}  // namespace picket::controller
