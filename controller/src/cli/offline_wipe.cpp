#include "cli/offline_wipe.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>

#include "daemon/attempt.hpp"
#include "daemon/backend_selection.hpp"
#include "daemon/seizure_runtime.hpp"
#include "daemon/state_files.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/firewall.hpp"

namespace picket::controller::cli {

bool picketd_unreachable(const std::filesystem::path& socket) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const auto text = socket.string();
  if (text.size() >= sizeof address.sun_path) return false;  // let the normal call say why
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool refused =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
      (errno == ENOENT || errno == ECONNREFUSED);
  ::close(fd);
  return refused;
}

std::vector<std::string> wipe_offline(const std::filesystem::path& state_dir) {
  std::vector<std::string> problems;
  const auto db_file = state_dir / kDatabaseFileName;
  std::optional<Settings> settings;
  if (std::filesystem::exists(db_file)) {
    std::unique_ptr<Store> store;
    attempt(problems, "opening the database", [&] {
      store = std::make_unique<Store>(db_file);
      settings = store->settings();
    });
    if (settings) {
      attempt(problems, "removing the peers and the interface", [&] {
        DaemonOptions options;
        options.state_dir = state_dir;
        auto backend = select_backend(options, settings->interface_name);
        if (!backend->interface_exists()) return;
        gateway::DeviceChange none;
        none.replace_peers = true;
        backend->apply(none);
        backend->remove_interface();
      });
      attempt(problems, "removing the firewall table", [&] {
        gateway::FirewallConfig config;
        config.tunnel_interface = settings->interface_name;
        config.ipv4_subnet = settings->ipv4_subnet;
        config.ipv6_subnet = settings->ipv6_subnet;
        config.gateway_ipv4 = gateway::nth_address(settings->ipv4_subnet, 1);
        config.gateway_ipv6 = gateway::nth_address(settings->ipv6_subnet, 1);
        gateway::Firewall(config).remove_table();
      });
    }
    if (store) attempt(problems, "erasing the database", [&] { erase_database(*store); });
  }
  // After the database is closed: SQLite may remove or re-create its files
  // when the connection goes.
  for (auto& problem : finish_wipe(state_dir)) problems.push_back(std::move(problem));
  return problems;
}

}  // namespace picket::controller::cli
