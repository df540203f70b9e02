#include "netlink/genl_socket.hpp"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "picket/gateway/error.hpp"

namespace picket::gateway::netlink {
namespace {

// Large enough for any message the builder makes at its default limit, and
// for big dump replies; the kernel caps it at net.core.{w,r}mem_max.
constexpr int kSocketBuffer = 1 << 20;

std::error_code errno_code(int e) {
  return {e, std::generic_category()};
}

// libnl reports errors as its own codes; only the kernel's errno is useful
// to the caller, and libnl has thrown it away for these.
std::error_code from_nl(int nl_error) {
  switch (-nl_error) {
    case NLE_OBJ_NOTFOUND:
      return errno_code(ENOENT);
    case NLE_NOMEM:
      return errno_code(ENOMEM);
    case NLE_PERM:
      return errno_code(EPERM);
    case NLE_MSGSIZE:
      return errno_code(EMSGSIZE);
    case NLE_NODEV:
      return errno_code(ENODEV);
    case NLE_INVAL:
      return errno_code(EINVAL);
    default:
      return errno_code(EIO);
  }
}

struct FreeBuffer {
  void operator()(unsigned char* p) const { std::free(p); }
};

}  // namespace

GenlSocket::GenlSocket() : sock_(nl_socket_alloc()) {
  if (sock_ == nullptr) throw Error("out of memory allocating a netlink socket");
  const int rc = genl_connect(sock_);
  if (rc < 0) {
    nl_socket_free(sock_);
    throw Error(std::string("cannot open a generic netlink socket: ") + nl_geterror(rc));
  }
  nl_socket_set_buffer_size(sock_, kSocketBuffer, kSocketBuffer);
  // Dump replies can be larger than a page; peeking lets libnl size its
  // buffer to the message instead of truncating it.
  nl_socket_enable_msg_peek(sock_);
}

GenlSocket::~GenlSocket() {
  nl_socket_free(sock_);
}

std::error_code GenlSocket::resolve(const char* family, std::uint16_t& id) {
  const int rc = genl_ctrl_resolve(sock_, family);
  if (rc < 0) return from_nl(rc);
  id = static_cast<std::uint16_t>(rc);
  return {};
}

std::uint32_t GenlSocket::send(Bytes& message, std::error_code& ec) {
  auto* header = reinterpret_cast<nlmsghdr*>(message.data());
  header->nlmsg_seq = nl_socket_use_seq(sock_);
  header->nlmsg_pid = nl_socket_get_local_port(sock_);
  const int rc = nl_sendto(sock_, message.data(), message.size());
  // libnl folds errno into coarse codes (EMSGSIZE becomes a generic
  // failure); sendto's own errno is still there and says more.
  if (rc < 0) ec = errno != 0 ? errno_code(errno) : from_nl(rc);
  return header->nlmsg_seq;
}

std::error_code GenlSocket::request(Bytes& message) {
  bool interrupted = false;
  return dump(
      message, [](std::span<const std::uint8_t>) {}, interrupted);
}

std::error_code GenlSocket::dump(Bytes& message,
                                 const std::function<void(std::span<const std::uint8_t>)>& on_reply,
                                 bool& interrupted) {
  std::error_code ec;
  const std::uint32_t seq = send(message, ec);
  if (ec) return ec;
  interrupted = false;
  for (;;) {
    sockaddr_nl from{};
    unsigned char* raw = nullptr;
    const int n = nl_recv(sock_, &from, &raw, nullptr);
    std::unique_ptr<unsigned char, FreeBuffer> buffer(raw);
    if (n < 0) return from_nl(n);
    if (n == 0) return errno_code(EIO);
    int left = n;
    for (auto* h = reinterpret_cast<nlmsghdr*>(raw); nlmsg_ok(h, left); h = nlmsg_next(h, &left)) {
      if (h->nlmsg_seq != seq) continue;  // a late reply to an earlier request
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        // An ack is an error message with error 0; it ends a plain request,
        // or a dump that failed before it began.
        const auto* err = static_cast<const nlmsgerr*>(nlmsg_data(h));
        if (nlmsg_datalen(h) < static_cast<int>(sizeof(int))) return errno_code(EIO);
        return err->error == 0 ? std::error_code{} : errno_code(-err->error);
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        // The kernel puts a dump's late failure in its final message.
        int status = 0;
        if (nlmsg_datalen(h) >= static_cast<int>(sizeof status))
          std::memcpy(&status, nlmsg_data(h), sizeof status);
        return status == 0 ? std::error_code{} : errno_code(-status);
      }
      if (h->nlmsg_type < NLMSG_MIN_TYPE) continue;  // NOOP, OVERRUN
      if (nlmsg_datalen(h) < static_cast<int>(GENL_HDRLEN)) return errno_code(EIO);
      const auto* payload = static_cast<const std::uint8_t*>(nlmsg_data(h)) + GENL_HDRLEN;
      on_reply({payload, static_cast<std::size_t>(nlmsg_datalen(h) - GENL_HDRLEN)});
    }
  }
}

}  // namespace picket::gateway::netlink
