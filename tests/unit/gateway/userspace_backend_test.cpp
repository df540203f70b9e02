// The backend suite against real wireguard-go. Needs root and a network
// namespace of its own: run through tests/integration/netns_run.sh (the
// "[root]" tag keeps it out of the plain unit run).

#include "picket/gateway/userspace_backend.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "backend_suite.hpp"
#include "netlink/link.hpp"
#include "node_suite.hpp"
#include "uapi/socket.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;

namespace {

const std::string kSocketDir = "/var/run/wireguard";

// Control sockets are shared by every namespace on the machine, so names
// carry the pid to keep parallel runs apart.
std::string unique_name() {
  static int counter = 0;
  return "pgt" + std::to_string(::getpid() % 100000) + "x" + std::to_string(counter++);
}

// Is a wireguard-go serving `ifname` still alive (any namespace)?
bool daemon_running(const std::string& ifname) {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return false;
  bool found = false;
  while (dirent* e = ::readdir(proc)) {
    if (!std::all_of(e->d_name, e->d_name + std::strlen(e->d_name), ::isdigit)) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> args;
    for (std::size_t start = 0; start < cmdline.size();) {
      const auto end = cmdline.find('\0', start);
      args.push_back(cmdline.substr(start, end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (args.size() >= 2 && args[0].ends_with("wireguard-go") && args.back() == ifname) {
      found = true;
      break;
    }
  }
  ::closedir(proc);
  return found;
}

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500 && !pred(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

struct UserspaceHarness {
  std::vector<std::string> names;
  netlink::LinkControl links;

  std::string fresh_name() {
    names.push_back(unique_name());
    return names.back();
  }
  std::unique_ptr<WireGuardBackend> make(const std::string& name) {
    UserspaceOptions options;
    options.interface_name = name;
    options.socket_dir = kSocketDir;
    return make_userspace_backend(options);
  }
  void check_link(const std::string& name, const LinkSettings& expected) {
    CHECK(links.mtu(name) == expected.mtu);
    CHECK(links.is_up(name));
    auto have = links.addresses(name);
    auto want = expected.addresses;
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    CHECK(have == want);
  }
  void check_gone(const std::string& name) {
    struct stat st {};
    CHECK(::lstat(uapi::socket_path(kSocketDir, name).c_str(), &st) != 0);
    CHECK_FALSE(links.exists(name));
    CHECK(eventually([&] { return !daemon_running(name); }));
  }
  // Leave nothing behind, whatever the test did.
  ~UserspaceHarness() {
    for (const std::string& name : names) {
      try {
        make(name)->remove_interface();
      } catch (const std::exception& e) {
        WARN("cleanup of " << name << ": " << e.what());
      }
    }
  }
};

}  // namespace

PICKET_BACKEND_SUITE("userspace backend", "[root][userspace]", UserspaceHarness)
PICKET_NODE_SUITE("userspace backend", "[root][userspace]", UserspaceHarness)

TEST_CASE("userspace backend: a missing wireguard-go is reported clearly", "[root][userspace]") {
  UserspaceOptions options;
  options.interface_name = unique_name();
  options.wireguard_go = "/nonexistent/wireguard-go";
  auto backend = make_userspace_backend(options);
  CHECK_THROWS_WITH(backend->ensure_interface({}),
                    Catch::Contains("could not start") && Catch::Contains("wireguard-go package"));
  CHECK_THROWS_WITH(backend->read(), Catch::Contains("is wireguard-go running for"));
}

TEST_CASE("userspace backend: interface names are checked", "[userspace]") {
  UserspaceOptions options;
  for (const char* bad : {"", "a/b", "..", "sixteen-chars-xx", "with space"}) {
    options.interface_name = bad;
    CHECK_THROWS_AS(make_userspace_backend(options), Error);
  }
}
