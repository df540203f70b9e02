#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "picket/gateway/backend.hpp"
#include "picket/gateway/backend_selection.hpp"
#include "picket/gateway/dns/resolver.hpp"
#include "picket/gateway/firewall.hpp"
#include "picket/gateway/firewall_host.hpp"
#include "picket/gateway/reconciler.hpp"
#include "picket/gateway/state.hpp"

namespace picket::gateway {

struct NodeOptions {
  std::unique_ptr<WireGuardBackend> backend;
  // The gateway-wide firewall settings (subnets and member_to_member come
  // from the state); unset: no firewall.
  std::optional<FirewallConfig> firewall;
  // The uplink whose forwarding is switched on while the node lives (and put
  // back after); unset: forwarding is left as it is.
  std::optional<std::optional<std::string>> forwarding;
  // Made by dns::make_resolver (its listen addresses, port and limits);
  // unset: no resolver.
  std::unique_ptr<dns::Resolver> resolver;
};

// The data plane of one gateway host, and the only writer of its WireGuard
// interface, its nftables table and its resolver's zone. Every change to
// the three goes through apply(); the controller's domain reaches it through
// a GatewayLink and never sees a backend. Not thread-safe: one caller.
//
// Failure: apply() throws Error when WireGuard refuses (nothing changed) or
// when the firewall or the zone refuses a put (the change's new peers are
// taken off WireGuard again, the peers it replaced get their old entries
// back; its removals stay done). A refused removal in
// the firewall or the zone never brings a peer back: it is left for the next
// apply(GatewayState), which replaces everything.
class GatewayNode {
 public:
  // Throws Error for a resolver that cannot start or a firewall config
  // nftables would refuse; touches the interface only in apply().
  explicit GatewayNode(NodeOptions options);
  ~GatewayNode();
  GatewayNode(const GatewayNode&) = delete;
  GatewayNode& operator=(const GatewayNode&) = delete;

  // Makes the host hold exactly `state`: creates the interface when it is
  // missing, repairs any drift, and replaces the table and the zone.
  NodeReport apply(const GatewayState& state);
  void apply(const GatewayChange& change);

  // A new private key on the interface. Every client config made before
  // names the old public key.
  void rotate_key(const SecretKey& next);

  // Peers first, then the interface, then the firewall table (kept when the
  // peers could not be removed: peers without the table would reach every
  // port of the host). Afterwards apply() refuses, so a timer cannot bring
  // the interface back. Throws when the peers or the interface stay.
  void teardown();
  bool torn_down() const { return torn_down_; }
  // Whether a table is left behind (teardown() did not get to remove it).
  bool table_kept() const { return firewall_base_.has_value() && !table_removed_; }

  const std::string& interface_name() const;
  std::string_view backend_kind() const;
  bool interface_exists();
  // The interface as it is, live counters included (never stored).
  DeviceSnapshot read();
  // A reader on a connection of its own, for another thread.
  std::function<DeviceSnapshot()> live_reader(const BackendChoice& choice);

  bool has_firewall() const { return firewall_ != nullptr; }
  std::optional<std::string> firewall_table() const;
  std::optional<std::string> uplink() const;

  bool has_resolver() const { return resolver_ != nullptr; }
  // Rereads the blocklist files; a bad file keeps the old list (throws).
  BlocklistSummary reload_blocklists();
  BlocklistSummary blocklists() const { return blocklists_; }
  dns::ResolverStats dns_stats() const;

 private:
  void require_live() const;
  void apply_link(const LinkSettings& link, NodeReport* report);
  FirewallConfig firewall_config(bool member_to_member) const;
  std::vector<FirewallDevice> firewall_devices() const;
  dns::LocalZone::Entry zone_entry(const NodePeer& peer) const;
  void replace_zone();
  // Takes back the puts of a change the firewall or the zone refused.
  void undo_puts(const std::vector<NodePeer>& puts, const std::map<Key, NodePeer>& replaced);
  void set_zone_open(bool open);
  void apply_dns(const DnsConfig& config);
  BlocklistSummary load_blocklists(const std::vector<std::string>& files, dns::Blocklist& out);

  std::unique_ptr<WireGuardBackend> backend_;
  Reconciler reconciler_;
  std::optional<FirewallConfig> firewall_base_;
  std::unique_ptr<Firewall> firewall_;
  std::optional<ForwardingGuard> forwarding_;
  std::unique_ptr<dns::Resolver> resolver_;
  std::optional<SecretKey> private_key_;
  std::optional<LinkSettings> link_;
  bool member_to_member_ = false;
  std::optional<DnsConfig> dns_;
  BlocklistSummary blocklists_;
  std::map<Key, NodePeer> peers_;  // as applied
  bool torn_down_ = false;
  bool table_removed_ = false;
};

}  // namespace picket::gateway
