#pragma once

#include <optional>
#include <vector>

#include "picket/gateway/device.hpp"

namespace picket::gateway {

// One peer's part of a change, mirroring WireGuard's own set semantics
// (UAPI keys and the kernel's WGPEER_F_* flags) so that every backend can
// express it without loss.
struct PeerChange {
  Key public_key;
  bool remove = false;                     // remove=true / WGPEER_F_REMOVE_ME
  bool update_only = false;                // update_only=true / WGPEER_F_UPDATE_ONLY
  std::optional<SecretKey> preshared_key;  // set; all-zero clears it
  std::optional<std::uint16_t> persistent_keepalive;
  bool replace_allowed_ips = false;  // replace_allowed_ips=true / WGPEER_F_REPLACE_ALLOWEDIPS
  std::vector<Cidr> allowed_ips;

  bool operator==(const PeerChange&) const = default;
};

struct DeviceChange {
  std::optional<SecretKey> private_key;
  std::optional<std::uint16_t> listen_port;
  bool replace_peers = false;
  std::vector<PeerChange> peers;  // additions and updates come before removals

  bool empty() const { return !private_key && !listen_port && !replace_peers && peers.empty(); }
  bool operator==(const DeviceChange&) const = default;
};

// The smallest change that turns `actual` into `desired`: untouched peers are
// not mentioned (they keep their sessions), changed peers are updated in
// place, unwanted peers are removed after the additions. Pure.
DeviceChange plan(const DesiredInterface& desired, const DeviceSnapshot& actual);

// Incremental changes for a single peer, without reading the interface.
DeviceChange plan_upsert(const PeerConfig& peer);
DeviceChange plan_remove(const Key& public_key);

// Applies `change` to `snapshot` in memory, as WireGuard would (used by the
// fake backend and by tests).
void apply_change(DeviceSnapshot& snapshot, const DeviceChange& change);

}  // namespace picket::gateway
