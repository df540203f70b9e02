#pragma once

#include <cstddef>

#include "picket/gateway/backend.hpp"

namespace picket::gateway {

// Brings a WireGuard interface to a desired state with the smallest change.
// Not thread-safe: the caller serialises calls.
class Reconciler {
 public:
  explicit Reconciler(WireGuardBackend& backend) : backend_(backend) {}

  // Reads the interface, plans against it and applies. When applying fails
  // part-way, reads again and re-plans once before giving up (throws Error).
  // Nothing to change means nothing sent.
  ReconcileResult reconcile(const DesiredInterface& desired);

  // O(1) changes for one peer, without reading the whole interface.
  void upsert_peer(const PeerConfig& peer);
  void remove_peer(const Key& public_key);

  WireGuardBackend& backend() { return backend_; }

 private:
  WireGuardBackend& backend_;
};

}  // namespace picket::gateway
