#pragma once

// Test data shared by the gateway unit tests and the backend suite.

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "picket/gateway/device.hpp"
#include "picket/gateway/ip.hpp"
#include "picket/gateway/key.hpp"
#include "picket/gateway/reconciler.hpp"

namespace picket::gateway::test {

// A deterministic secret made from `n`, so failures reproduce.
inline SecretKey test_secret(unsigned n) {
  KeyBytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>((n >> (8 * (i % 4))) + i * 7 + 1);
  return SecretKey(bytes);
}

// A valid Curve25519 public key; wireguard-go computes with it.
inline Key test_key(unsigned n) {
  return public_key_of(test_secret(n));
}

inline PeerConfig test_peer(unsigned n) {
  PeerConfig peer;
  peer.public_key = test_key(n);
  peer.allowed_ips = {Cidr{nth_address(Cidr::parse("10.77.0.0/16"), n + 2), 32},
                      Cidr{nth_address(Cidr::parse("fd77:77::/64"), n + 2), 128}};
  return peer;
}

inline std::vector<PeerConfig> test_peers(unsigned first, unsigned count) {
  std::vector<PeerConfig> out;
  for (unsigned n = first; n < first + count; ++n) out.push_back(test_peer(n));
  return out;
}

// Peers in a canonical form (sorted by key, allowed IPs as sorted networks)
// so that what was asked for and what an interface reports compare equal.
inline std::vector<PeerConfig> canonical(std::vector<PeerConfig> peers) {
  for (PeerConfig& peer : peers) {
    for (Cidr& ip : peer.allowed_ips) ip = ip.network();
    std::sort(peer.allowed_ips.begin(), peer.allowed_ips.end());
    if (peer.preshared_key && peer.preshared_key->is_zero()) peer.preshared_key.reset();
  }
  std::sort(peers.begin(), peers.end(),
            [](const PeerConfig& a, const PeerConfig& b) { return a.public_key < b.public_key; });
  return peers;
}

inline std::vector<PeerConfig> canonical(const DeviceSnapshot& snap) {
  std::vector<PeerConfig> peers;
  for (const PeerState& peer : snap.peers) peers.push_back(peer.config);
  return canonical(std::move(peers));
}

}  // namespace picket::gateway::test

namespace Catch {
template <>
struct StringMaker<picket::gateway::ReconcileResult> {
  static std::string convert(const picket::gateway::ReconcileResult& r) {
    return "{added " + std::to_string(r.added) + ", updated " + std::to_string(r.updated) +
           ", removed " + std::to_string(r.removed) +
           (r.device_changed ? ", device changed}" : "}");
  }
};
}  // namespace Catch
