#include "cli/offline_wipe.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>

#include "common/attempt.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/node.hpp"
#include "state/state_files.hpp"
#include "state/wipe_files.hpp"

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
      // Peers, interface, then the table (kept when the peers could not go).
      attempt(problems, "removing the peers, the interface and the firewall table", [&] {
        gateway::NodeOptions options;
        options.backend = gateway::select_backend({}, settings->interface_name);
        gateway::FirewallConfig firewall;
        firewall.tunnel_interface = settings->interface_name;
        firewall.ipv4_subnet = settings->ipv4_subnet;
        firewall.ipv6_subnet = settings->ipv6_subnet;
        firewall.gateway_ipv4 = gateway::nth_address(settings->ipv4_subnet, 1);
        firewall.gateway_ipv6 = gateway::nth_address(settings->ipv6_subnet, 1);
        options.firewall = firewall;
        gateway::GatewayNode(std::move(options)).teardown();
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
