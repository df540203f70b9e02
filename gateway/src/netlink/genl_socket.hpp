#pragma once

// The generic netlink socket (libnl-genl-3) that carries the WireGuard
// messages: resolves the family, sends a request and waits for its ack, runs
// a dump. Errors come back as std::error_code in the errno category; the
// backend above turns them into sentences.

#include <cstdint>
#include <functional>
#include <span>
#include <system_error>

#include "netlink/attributes.hpp"

struct nl_sock;

namespace picket::gateway::netlink {

class GenlSocket {
 public:
  GenlSocket();  // throws Error when no netlink socket can be opened
  GenlSocket(const GenlSocket&) = delete;
  GenlSocket& operator=(const GenlSocket&) = delete;
  ~GenlSocket();

  // The numeric id of a generic netlink family; ENOENT when the kernel has
  // none of that name (module not loaded and not loadable).
  std::error_code resolve(const char* family, std::uint16_t& id);

  // Sends one request (sequence number and port id filled in here) and
  // waits for the kernel's acknowledgement or error.
  std::error_code request(Bytes& message);

  // Sends a dump request and hands each reply's attributes (after the
  // generic netlink header) to `on_reply`. `interrupted` is set when the
  // kernel flagged the dump as inconsistent (NLM_F_DUMP_INTR): the state
  // changed while it was being read, and the caller should read again.
  std::error_code dump(Bytes& message,
                       const std::function<void(std::span<const std::uint8_t>)>& on_reply,
                       bool& interrupted);

 private:
  std::uint32_t send(Bytes& message, std::error_code& ec);

  nl_sock* sock_ = nullptr;
};

}  // namespace picket::gateway::netlink
