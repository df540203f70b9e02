#pragma once

#include <memory>
#include <string>

#include "picket/gateway/backend.hpp"

namespace picket::gateway {

struct BackendChoice {
  std::string backend = "auto";  // auto | kernel | userspace
  std::string wireguard_go = "wireguard-go";
  std::string wireguard_socket_dir = "/var/run/wireguard";
};

// Picks the WireGuard backend named by choice.backend: "kernel",
// "userspace", or "auto" (an existing interface keeps its backend; otherwise
// the kernel when it can create a wireguard link, else wireguard-go, else an
// Error naming what to install).
std::unique_ptr<WireGuardBackend> select_backend(const BackendChoice& choice,
                                                 const std::string& interface_name);

// Another backend of the same kind on the same interface, for reading it
// from a second thread (each backend holds its own connection).
std::unique_ptr<WireGuardBackend> another_backend_like(const WireGuardBackend& backend,
                                                       const BackendChoice& choice);

}  // namespace picket::gateway
