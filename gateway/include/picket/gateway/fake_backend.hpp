#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "picket/gateway/backend.hpp"

namespace picket::gateway {

// In-memory WireGuard interface for unit tests. Can be told to fail the n-th
// operation, and counts what it was asked to do.
class FakeBackend final : public WireGuardBackend {
 public:
  explicit FakeBackend(std::string interface_name = "fake0");

  std::string_view kind() const noexcept override { return "fake"; }
  const std::string& interface_name() const noexcept override { return name_; }
  void ensure_interface(const LinkSettings& link) override;
  bool interface_exists() override;
  void remove_interface() override;
  DeviceSnapshot read() override;
  void apply(const DeviceChange& change) override;

  // Makes operation number `n` from now (1 = the next one; reads, applies and
  // link calls all count) throw Error. A failing apply applies the first
  // `applied_peers` peer changes before throwing, like a multi-message netlink
  // set that breaks half-way. Several failures may be pending at once.
  void fail_operation(std::size_t n, std::size_t applied_peers = 0);

  // Direct access, e.g. to simulate drift (`wg set` by hand).
  DeviceSnapshot& state() { return state_; }
  const LinkSettings& link() const { return link_; }
  std::size_t reads() const { return reads_; }
  std::size_t applies() const { return applies_; }
  std::size_t peer_changes_applied() const { return peer_changes_; }

 private:
  void maybe_fail(std::optional<std::size_t>* applied_peers = nullptr);

  std::string name_;
  bool exists_ = false;
  LinkSettings link_;
  DeviceSnapshot state_;
  std::size_t operations_ = 0;
  std::map<std::size_t, std::size_t> failures_;  // operation number -> applied_peers
  std::size_t reads_ = 0;
  std::size_t applies_ = 0;
  std::size_t peer_changes_ = 0;
};

}  // namespace picket::gateway
