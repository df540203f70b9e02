#include "uapi/socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "picket/gateway/error.hpp"

namespace picket::gateway::uapi {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string hint(std::string_view ifname) {
  return " (is wireguard-go running for " + std::string(ifname) + "?)";
}

// Returns the connected socket, or -1 with errno set.
int connect_to(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

bool complete(const std::string& reply) {
  return reply == "\n" || (reply.size() >= 2 && reply.ends_with("\n\n"));
}

}  // namespace

std::string socket_path(std::string_view socket_dir, std::string_view ifname) {
  std::string path(socket_dir);
  if (!path.empty() && path.back() != '/') path += '/';
  return path.append(ifname).append(".sock");
}

bool socket_connectable(const std::string& path) {
  const int fd = connect_to(path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string exchange(const std::string& path, std::string_view ifname, std::string_view request,
                     std::chrono::milliseconds timeout) {
  Fd fd(connect_to(path));
  if (fd.get() < 0)
    throw Error("cannot connect to " + path + ": " + std::strerror(errno) + hint(ifname));

  // One deadline for the whole exchange, so a peer that trickles bytes cannot
  // keep us waiting forever.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait_for = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{.fd = fd.get(), .events = events, .revents = 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (rc == 0)
      throw Error("wireguard-go for " + std::string(ifname) + " did not answer within " +
                  std::to_string(timeout.count()) + " ms");
    if (rc < 0 && errno != EINTR) throw Error("poll on " + path + ": " + std::strerror(errno));
  };

  std::size_t sent = 0;
  while (sent < request.size()) {
    wait_for(POLLOUT);
    // MSG_NOSIGNAL: a daemon that went away must give an error, not SIGPIPE.
    const ssize_t n =
        ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error("write to " + path + ": " + std::strerror(errno) + hint(ifname));
    }
    sent += static_cast<std::size_t>(n);
  }

  std::string reply;
  char buf[65536];
  while (!complete(reply)) {
    wait_for(POLLIN);
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error("read from " + path + ": " + std::strerror(errno) + hint(ifname));
    }
    if (n == 0)
      throw Error("wireguard-go for " + std::string(ifname) + " closed the connection mid-reply");
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.size() > kMaxReplyBytes)
      throw Error("reply from wireguard-go for " + std::string(ifname) + " exceeds " +
                  std::to_string(kMaxReplyBytes) + " bytes");
  }
  return reply;
}

}  // namespace picket::gateway::uapi
