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

// Another backend of the same kind on the same interface, for reading it
// from a second thread (each backend holds its own connection).
std::unique_ptr<gateway::WireGuardBackend> another_backend_like(
    const gateway::WireGuardBackend& backend, const DaemonOptions& options);

}  // namespace picket::controller
