#include "picket/gateway/backend_selection.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "picket/gateway/error.hpp"
#include "picket/gateway/kernel_backend.hpp"
#include "picket/gateway/userspace_backend.hpp"

namespace picket::gateway {
namespace {

std::unique_ptr<WireGuardBackend> userspace(const BackendChoice& options,
                                            const std::string& interface_name) {
  UserspaceOptions userspace;
  userspace.interface_name = interface_name;
  userspace.socket_dir = options.wireguard_socket_dir;
  userspace.wireguard_go = options.wireguard_go;
  return make_userspace_backend(userspace);
}

std::unique_ptr<WireGuardBackend> kernel(const std::string& interface_name) {
  KernelOptions kernel;
  kernel.interface_name = interface_name;
  return make_kernel_backend(kernel);
}

// Whether `program` can be started, the way posix_spawnp would look it up.
bool runnable(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<WireGuardBackend> select_backend(const BackendChoice& options,
                                                 const std::string& interface_name) {
  if (options.backend == "userspace") return userspace(options, interface_name);
  if (options.backend != "auto" && options.backend != "kernel")
    throw Error("--backend must be auto, kernel or userspace");

  // An interface left by an earlier run stays with the backend that made it.
  const std::string existing = existing_link_kind(interface_name);
  if (existing == "wireguard") return kernel(interface_name);
  if (existing == "tun" && options.backend == "auto") return userspace(options, interface_name);

  std::string why;
  if (kernel_wireguard_available(&why)) return kernel(interface_name);
  if (options.backend == "kernel")
    throw Error("--backend kernel: this kernel cannot create a WireGuard interface (" + why +
                "); load the wireguard module (modprobe wireguard) or use "
                "--backend userspace");
  if (runnable(options.wireguard_go)) return userspace(options, interface_name);
  throw Error(
      "no WireGuard available: the kernel cannot create a WireGuard interface (" + why + ") and " +
      options.wireguard_go +
      " was not found; install the wireguard-go package (apt-get install wireguard-go) or run "
      "a kernel with the wireguard module (Debian's linux-image-amd64 has it)");
}

std::unique_ptr<WireGuardBackend> another_backend_like(const WireGuardBackend& backend,
                                                       const BackendChoice& options) {
  if (backend.kind() == "kernel") return kernel(backend.interface_name());
  if (backend.kind() == "userspace") return userspace(options, backend.interface_name());
  throw Error("no second connection for the " + std::string(backend.kind()) + " backend");
}

}  // namespace picket::gateway
