#pragma once

// Reading the replies to WG_CMD_GET_DEVICE: the kernel spreads one device
// over several messages and may cut a peer's allowed IPs between two of them,
// repeating only the peer's public key. Pure.

#include <cstdint>
#include <span>

#include "picket/gateway/device.hpp"

namespace picket::gateway::netlink {

class DumpMerger {
 public:
  // One reply's payload after the generic netlink header. Throws Error on
  // malformed attributes.
  void add(std::span<const std::uint8_t> attributes);
  const DeviceSnapshot& snapshot() const { return snapshot_; }
  DeviceSnapshot take() { return std::move(snapshot_); }

 private:
  DeviceSnapshot snapshot_;
};

}  // namespace picket::gateway::netlink
