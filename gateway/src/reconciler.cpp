#include "picket/gateway/reconciler.hpp"

#include "picket/gateway/error.hpp"
#include "picket/gateway/plan.hpp"

namespace picket::gateway {
namespace {

ReconcileResult summarize(const DeviceChange& change) {
  ReconcileResult result;
  result.device_changed = change.private_key.has_value() || change.listen_port.has_value();
  for (const PeerChange& peer : change.peers) {
    if (peer.remove)
      ++result.removed;
    else if (peer.update_only)
      ++result.updated;
    else
      ++result.added;
  }
  return result;
}

}  // namespace

ReconcileResult Reconciler::reconcile(const DesiredInterface& desired) {
  const DeviceChange change = plan(desired, backend_.read());
  if (change.empty()) return {};
  try {
    backend_.apply(change);
  } catch (const Error&) {
    // A set spread over several messages may have stopped half-way, and
    // someone may have changed the interface meanwhile: plan again from what
    // is really there instead of replaying the old change. A second failure
    // goes to the caller.
    const DeviceChange retry = plan(desired, backend_.read());
    if (!retry.empty()) backend_.apply(retry);
  }
  // The first plan is the difference between the interface as found and the
  // desired state, which is what the caller changed, however many tries it took.
  return summarize(change);
}

void Reconciler::upsert_peer(const PeerConfig& peer) {
  backend_.apply(plan_upsert(peer));
}

void Reconciler::remove_peer(const Key& public_key) {
  backend_.apply(plan_remove(public_key));
}

}  // namespace picket::gateway
