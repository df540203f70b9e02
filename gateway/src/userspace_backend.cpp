#include "picket/gateway/userspace_backend.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "netlink/link.hpp"
#include "picket/gateway/error.hpp"
#include "uapi/codec.hpp"
#include "uapi/socket.hpp"

extern char** environ;

namespace picket::gateway {
namespace {

using namespace std::chrono_literals;

// wireguard-go creates the TUN device and the socket before its launcher
// exits, so these are generous upper bounds, not expected waits.
constexpr auto kLauncherTimeout = 10s;
constexpr auto kSocketTimeout = 5s;
constexpr auto kPollInterval = 10ms;
constexpr std::size_t kMaxIfnameLength = 15;  // IFNAMSIZ - 1

template <class Pred>
bool wait_until(Pred done, std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The last non-empty line the launcher printed: wireguard-go puts its reason
// there, after a multi-line warning banner.
std::string last_line(int fd) {
  std::string text(4096, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  // The banner may be longer than the buffer; read its tail instead.
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size > static_cast<off_t>(text.size())) {
    text.assign(4096, '\0');
    const ssize_t m = ::pread(fd, text.data(), text.size(), size - 4096);
    text.resize(m > 0 ? static_cast<std::size_t>(m) : 0);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// Every variable but the one that would keep wireguard-go in the foreground
// (then its launcher would never exit).
std::vector<char*> daemon_environment() {
  std::vector<char*> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "WG_PROCESS_FOREGROUND=", 22) != 0) env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

class UserspaceBackend final : public WireGuardBackend {
 public:
  explicit UserspaceBackend(const UserspaceOptions& options)
      : options_(options), socket_(uapi::socket_path(options.socket_dir, options.interface_name)) {}

  std::string_view kind() const noexcept override { return "userspace"; }
  const std::string& interface_name() const noexcept override { return options_.interface_name; }

  void ensure_interface(const LinkSettings& link) override {
    const std::string& name = options_.interface_name;
    if (!uapi::socket_connectable(socket_)) start_daemon();
    // The socket directory is shared by all network namespaces; a live socket
    // without the link here belongs to an interface elsewhere.
    if (!links_.exists(name))
      throw Error("wireguard-go serves " + name + " but there is no such interface in this " +
                  "network namespace; pick another interface name");
    links_.set_mtu(name, link.mtu);
    links_.set_addresses(name, link.addresses);
    links_.set_up(name);
  }

  bool interface_exists() override { return links_.exists(options_.interface_name); }

  void remove_interface() override {
    // wireguard-go exits when its TUN device goes, removing the socket.
    links_.remove(options_.interface_name);
    if (!wait_until([&] { return !path_exists(socket_); }, kSocketTimeout))
      throw Error("removed " + options_.interface_name + " but " + socket_ +
                  " is still there; is another wireguard-go using the name?");
  }

  DeviceSnapshot read() override {
    return uapi::decode_get(uapi::exchange(socket_, options_.interface_name, uapi::kGetRequest));
  }

  void apply(const DeviceChange& change) override {
    std::vector<std::string> requests = uapi::encode_set_requests(change);
    std::size_t done = 0;
    try {
      for (std::string& request : requests) {
        const std::string reply = uapi::exchange(socket_, options_.interface_name, request);
        // Requests may carry the private or a preshared key.
        sodium_memzero(request.data(), request.size());
        uapi::check_set_reply(reply);
        ++done;
      }
    } catch (const Error& e) {
      for (std::string& request : requests) sodium_memzero(request.data(), request.size());
      if (requests.size() == 1) throw;
      throw Error(std::string(e.what()) + " (after " + std::to_string(done) + " of " +
                  std::to_string(requests.size()) + " requests had been applied)");
    }
  }

 private:
  void start_daemon() {
    const std::string& name = options_.interface_name;
    const std::string prefix = "could not start " + options_.wireguard_go + " for " + name + ": ";
    check_tun_device(prefix);

    const int out = ::memfd_create("wireguard-go-output", MFD_CLOEXEC);
    if (out < 0) throw Error(prefix + "memfd_create: " + std::strerror(errno));
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{out};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawn_file_actions_adddup2(&actions, out, 2);
    std::string program = options_.wireguard_go;
    std::string ifname = name;
    char* argv[] = {program.data(), ifname.data(), nullptr};
    std::vector<char*> env = daemon_environment();
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw Error(prefix + std::strerror(rc) +
                  (rc == ENOENT ? " (install the wireguard-go package)" : ""));
    }

    // wireguard-go forks its daemon and the launcher exits: 0 means the TUN
    // device and the socket are in place.
    int status = 0;
    const bool exited =
        wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, kLauncherTimeout);
    if (!exited) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw Error(prefix + "it did not return within " +
                  std::to_string(std::chrono::seconds(kLauncherTimeout).count()) + " s");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const std::string why = last_line(out);
      const std::string code = WIFEXITED(status)
                                   ? "exit status " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status));
      throw Error(prefix + code + (why.empty() ? "" : ": " + why) +
                  (WIFEXITED(status) && WEXITSTATUS(status) == 127
                       ? " (install the wireguard-go package)"
                       : ""));
    }
    if (!wait_until([&] { return uapi::socket_connectable(socket_); }, kSocketTimeout))
      throw Error(prefix + "it started but " + socket_ + " did not appear; check that " +
                  options_.socket_dir + " is where it puts its sockets");
    // The launcher made the socket, but its forked daemon re-applies the
    // default MTU (1420) to the TUN before it serves requests: a connectable
    // socket is not enough, wait for an answer or our MTU may be overwritten.
    if (!wait_until([&] { return daemon_answers(); }, kSocketTimeout))
      throw Error(prefix + "it started but does not answer on " + socket_ +
                  "; see its log (journalctl) or run it by hand with -f");
  }

  // wireguard-go says only "Failed to create TUN device: permission denied".
  // The usual cause is a host without udev's rule (some container VPSes),
  // where the device is root-only and picketd runs as user picket.
  void check_tun_device(const std::string& prefix) const {
    const std::string& path = options_.tun_device;
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    const int err = errno;
    const std::string why = path + ": " + std::strerror(err);
    if (err == EACCES || err == EPERM) {
      struct stat st {};
      const std::string mode =
          ::stat(path.c_str(), &st) == 0 ? " (its mode is " + octal_mode(st.st_mode) + ")" : "";
      throw Error(prefix + why + mode + ": user id " + std::to_string(::geteuid()) +
                  " may not open the TUN device, which wireguard-go needs. Give it the mode "
                  "Debian's udev gives it: `chmod 0666 " +
                  path +
                  "` (the picket package's /usr/lib/tmpfiles.d/picket.conf does this at every "
                  "boot; `systemd-tmpfiles --create picket.conf` applies it now)");
    }
    if (err == ENOENT || err == ENODEV || err == ENXIO) {
      throw Error(prefix + why +
                  ": this host has no TUN device. Load the module (`modprobe tun`) or, in a "
                  "container, ask the host to pass /dev/net/tun in");
    }
    throw Error(prefix + why);
  }

  static std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
  }

  bool daemon_answers() {
    try {
      read();
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  UserspaceOptions options_;
  std::string socket_;
  netlink::LinkControl links_;
};

}  // namespace

std::unique_ptr<WireGuardBackend> make_userspace_backend(const UserspaceOptions& options) {
  const std::string& name = options.interface_name;
  // The name becomes part of a socket path: no separators, no dot-dot games.
  if (name.empty() || name.size() > kMaxIfnameLength || name.find('/') != std::string::npos ||
      name == "." || name == ".." ||
      std::any_of(name.begin(), name.end(), [](char c) { return c <= ' ' || c == 0x7f; }))
    throw Error("invalid interface name (1-15 characters, no '/' or spaces)");
  return std::make_unique<UserspaceBackend>(options);
}

}  // namespace picket::gateway
