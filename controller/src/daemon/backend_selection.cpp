#include "daemon/backend_selection.hpp"

#include <stdexcept>

#include "picket/gateway/userspace_backend.hpp"

namespace picket::controller {

std::unique_ptr<gateway::WireGuardBackend> select_backend(const DaemonOptions& options,
                                                          const std::string& interface_name) {
  if (options.backend == "auto" || options.backend == "userspace") {
    gateway::UserspaceOptions userspace;
    userspace.interface_name = interface_name;
    userspace.socket_dir = options.wireguard_socket_dir;
    userspace.wireguard_go = options.wireguard_go;
    return gateway::make_userspace_backend(userspace);
  }
  throw std::invalid_argument("--backend must be auto or userspace");
}

}  // namespace picket::controller
