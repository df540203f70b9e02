#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "picket/gateway/backend.hpp"

namespace picket::gateway {

struct KernelOptions {
  std::string interface_name = "picket0";
  // Upper bound of one WG_CMD_SET_DEVICE message in bytes; larger changes are
  // split over several messages. 0 means the built-in default (32 KiB).
  std::size_t max_message_size = 0;
  // Test seam: sees each set message (index from 0, raw bytes, which may hold
  // keys) just before it is sent, and may alter it to provoke a kernel error.
  std::function<void(std::size_t index, std::vector<std::uint8_t>& message)> before_send;
};

// The kernel's WireGuard through generic netlink (libnl-genl-3), with
// rtnetlink (libnl-route-3) for the link. A change too large for one message
// is sent as several; that is not atomic, so apply() says how far it got
// and the reconciler reads back and re-plans.
std::unique_ptr<WireGuardBackend> make_kernel_backend(const KernelOptions& options);

// Whether this network namespace's kernel can create a `wireguard` link:
// creates a throw-away one (which loads the module when needed) and deletes
// it again. Never throws; when false, `why` (if given) says what failed.
bool kernel_wireguard_available(std::string* why = nullptr);

// The kind of the link `ifname` in this network namespace ("wireguard" for
// kernel WireGuard, "tun" for wireguard-go), or "" when there is none. Lets
// a restarted daemon keep the backend that made an existing interface.
std::string existing_link_kind(const std::string& ifname);

}  // namespace picket::gateway
