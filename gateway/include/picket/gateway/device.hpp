#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "picket/gateway/ip.hpp"
#include "picket/gateway/key.hpp"

namespace picket::gateway {

// Link-level settings of the WireGuard interface.
struct LinkSettings {
  std::uint32_t mtu = 1420;
  std::vector<Cidr> addresses;  // e.g. 10.77.0.1/24, fd77:77::1/64; routes follow from these

  bool operator==(const LinkSettings&) const = default;
};

// What a peer should look like on the interface (server side).
struct PeerConfig {
  Key public_key;
  std::optional<SecretKey> preshared_key;
  std::vector<Cidr> allowed_ips;           // the device's own /32 and /128
  std::uint16_t persistent_keepalive = 0;  // seconds, 0 = off

  bool operator==(const PeerConfig&) const = default;
};

// Live counters read from the interface. Lives in memory only: never stored,
// never logged (DESIGN.md, principle 1).
struct PeerStats {
  std::optional<std::string> endpoint;
  std::int64_t last_handshake_unix = 0;  // seconds since epoch, 0 = never
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;

  bool operator==(const PeerStats&) const = default;
};

struct PeerState {
  PeerConfig config;
  PeerStats stats;

  bool operator==(const PeerState&) const = default;
};

// What the interface actually holds, as read from it.
struct DeviceSnapshot {
  std::optional<SecretKey> private_key;
  std::uint16_t listen_port = 0;
  std::vector<PeerState> peers;

  bool operator==(const DeviceSnapshot&) const = default;
};

// What the interface should hold.
struct DesiredInterface {
  SecretKey private_key;
  std::uint16_t listen_port = 51820;
  std::vector<PeerConfig> peers;

  bool operator==(const DesiredInterface&) const = default;
};

// What a reconcile changed.
struct ReconcileResult {
  std::size_t added = 0;
  std::size_t updated = 0;
  std::size_t removed = 0;
  bool device_changed = false;  // private key or port

  bool operator==(const ReconcileResult&) const = default;
};

}  // namespace picket::gateway
