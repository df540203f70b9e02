#include "picket/gateway/fake_backend.hpp"

#include <algorithm>

#include "picket/gateway/error.hpp"

namespace picket::gateway {

FakeBackend::FakeBackend(std::string interface_name) : name_(std::move(interface_name)) {}

void FakeBackend::fail_operation(std::size_t n, std::size_t applied_peers) {
  failures_[operations_ + std::max<std::size_t>(n, 1)] = applied_peers;
}

void FakeBackend::maybe_fail(std::optional<std::size_t>* applied_peers) {
  ++operations_;
  const auto it = failures_.find(operations_);
  if (it == failures_.end()) return;
  const std::size_t partial = it->second;
  failures_.erase(it);
  if (applied_peers != nullptr) {
    *applied_peers = partial;
    return;  // apply() throws once it has applied the part
  }
  throw Error("fake " + name_ + ": operation " + std::to_string(operations_) + " fails on demand");
}

void FakeBackend::ensure_interface(const LinkSettings& link) {
  maybe_fail();
  exists_ = true;
  link_ = link;
}

bool FakeBackend::interface_exists() {
  maybe_fail();
  return exists_;
}

void FakeBackend::remove_interface() {
  maybe_fail();
  exists_ = false;
  link_ = {};
  state_ = {};
}

DeviceSnapshot FakeBackend::read() {
  ++reads_;
  maybe_fail();
  if (!exists_) throw Error("fake " + name_ + " does not exist");
  return state_;
}

void FakeBackend::apply(const DeviceChange& change) {
  ++applies_;
  std::optional<std::size_t> partial;
  maybe_fail(&partial);
  if (!exists_) throw Error("fake " + name_ + " does not exist");
  if (!partial) {
    apply_change(state_, change);
    peer_changes_ += change.peers.size();
    return;
  }
  // Like a set split over several messages: the first ones (device settings
  // included) took effect, the rest did not.
  if (*partial > 0) {
    DeviceChange part = change;
    part.peers.resize(std::min(*partial, change.peers.size()));
    apply_change(state_, part);
    peer_changes_ += part.peers.size();
  }
  throw Error("fake " + name_ + ": apply fails on demand after " + std::to_string(*partial) +
              " peer changes");
}

}  // namespace picket::gateway
