#include "picket/gateway/node.hpp"

#include <algorithm>

#include "picket/gateway/error.hpp"

namespace picket::gateway {

namespace {

DesiredInterface desired_of(const GatewayState& state) {
  DesiredInterface desired;
  desired.private_key = state.private_key;
  desired.listen_port = state.listen_port;
  desired.peers.reserve(state.peers.size());
  for (const auto& peer : state.peers) desired.peers.push_back(peer.wireguard);
  return desired;
}

// Checked before the reconciler binds a reference to it.
std::unique_ptr<WireGuardBackend> require_backend(std::unique_ptr<WireGuardBackend> backend) {
  if (!backend) throw Error("a gateway node needs a WireGuard backend");
  return backend;
}

}  // namespace

GatewayNode::GatewayNode(NodeOptions options)
    : backend_(require_backend(std::move(options.backend))), reconciler_(*backend_) {
  try {
    if (options.firewall) {
      validate(*options.firewall);
      firewall_base_ = options.firewall;
    }
    if (options.forwarding) forwarding_.emplace(*options.forwarding);
  } catch (const Error& e) {
    throw Error(std::string("the gateway firewall cannot start: ") + e.what());
  }
  resolver_ = std::move(options.resolver);
}

GatewayNode::~GatewayNode() = default;

const std::string& GatewayNode::interface_name() const {
  return backend_->interface_name();
}

std::string_view GatewayNode::backend_kind() const {
  return backend_->kind();
}

bool GatewayNode::interface_exists() {
  return backend_->interface_exists();
}

DeviceSnapshot GatewayNode::read() {
  return backend_->read();
}

std::function<DeviceSnapshot()> GatewayNode::live_reader(const BackendChoice& choice) {
  std::shared_ptr<WireGuardBackend> reader = another_backend_like(*backend_, choice);
  return [reader] { return reader->read(); };
}

std::optional<std::string> GatewayNode::firewall_table() const {
  if (!firewall_base_) return std::nullopt;
  return firewall_table_name(firewall_base_->tunnel_interface);
}

std::optional<std::string> GatewayNode::uplink() const {
  return firewall_base_ ? firewall_base_->uplink : std::nullopt;
}

void GatewayNode::require_live() const {
  if (torn_down_) throw Error("the gateway was taken down (picketd is stopping, or it was wiped)");
}

FirewallConfig GatewayNode::firewall_config(bool member_to_member) const {
  auto config = *firewall_base_;
  // Host 1 of each subnet is the gateway's own tunnel address.
  if (link_ && link_->addresses.size() == 2) {
    config.gateway_ipv4 = link_->addresses[0].address;
    config.ipv4_subnet = link_->addresses[0].network();
    config.gateway_ipv6 = link_->addresses[1].address;
    config.ipv6_subnet = link_->addresses[1].network();
  }
  config.member_to_member = member_to_member;
  return config;
}

std::vector<FirewallDevice> GatewayNode::firewall_devices() const {
  std::vector<FirewallDevice> devices;
  devices.reserve(peers_.size());
  for (const auto& [key, peer] : peers_) devices.push_back(peer.firewall);
  return devices;
}

dns::LocalZone::Entry GatewayNode::zone_entry(const NodePeer& peer) const {
  return dns::LocalZone::Entry{peer.dns_name + "." + resolver_->local_zone().origin(),
                               {peer.firewall.ipv4, peer.firewall.ipv6},
                               peer.dns_scopes};
}

void GatewayNode::set_zone_open(bool open) {
  resolver_->local_zone().set_open(open);
}

void GatewayNode::replace_zone() {
  std::vector<dns::LocalZone::Entry> entries;
  entries.reserve(peers_.size());
  for (const auto& [key, peer] : peers_)
    if (!peer.dns_name.empty()) entries.push_back(zone_entry(peer));
  // Narrowing first: a name must never be visible a moment longer than allowed.
  const bool open = member_to_member_ || (dns_ && dns_->open_directory);
  if (!open) set_zone_open(false);
  resolver_->local_zone().replace_all(entries);
  if (open) set_zone_open(true);
}

BlocklistSummary GatewayNode::load_blocklists(const std::vector<std::string>& files,
                                              dns::Blocklist& out) {
  dns::BlocklistBuilder builder;
  for (const auto& file : files) builder.add_file(file);
  BlocklistSummary summary;
  summary.skipped_lines = builder.skipped_lines();
  out = builder.build();
  summary.files = files.size();
  summary.domains = out.size();
  summary.bytes = out.memory_bytes();
  return summary;
}

// Everything that can fail runs before anything changes.
void GatewayNode::apply_dns(const DnsConfig& config) {
  if (!resolver_) throw Error("this gateway runs no DNS resolver");
  dns::Blocklist list;
  const auto summary = load_blocklists(config.blocklist_files, list);
  if (!dns_ || dns_->upstream != config.upstream) resolver_->set_upstream(config.upstream);
  const bool new_zone = !dns_ || dns_->zone != config.zone;
  if (new_zone) resolver_->local_zone().set_origin(config.zone);
  dns_ = config;
  if (new_zone) replace_zone();
  set_zone_open(member_to_member_ || config.open_directory);
  resolver_->set_blocklist(std::move(list));
  resolver_->set_block_answer(config.block_answer);
  blocklists_ = summary;
}

BlocklistSummary GatewayNode::reload_blocklists() {
  if (!resolver_) throw Error("this gateway runs no DNS resolver (--no-dns)");
  dns::Blocklist list;
  const auto summary =
      load_blocklists(dns_ ? dns_->blocklist_files : std::vector<std::string>{}, list);
  resolver_->set_blocklist(std::move(list));
  blocklists_ = summary;
  return summary;
}

dns::ResolverStats GatewayNode::dns_stats() const {
  if (!resolver_) throw Error("this gateway runs no DNS resolver (--no-dns)");
  return resolver_->stats();
}

void GatewayNode::apply_link(const LinkSettings& link, NodeReport* report) {
  const bool missing = !backend_->interface_exists();
  if (missing || !link_ || *link_ != link) {
    backend_->ensure_interface(link);
    if (report) report->interface_created = missing;
  }
  link_ = link;
}

NodeReport GatewayNode::apply(const GatewayState& state) {
  require_live();
  if (state.dns && resolver_ && (!dns_ || *dns_ != *state.dns)) apply_dns(*state.dns);
  NodeReport report;
  apply_link(state.link, &report);
  report.wireguard = reconciler_.reconcile(desired_of(state));
  private_key_ = state.private_key;
  peers_.clear();
  for (const auto& peer : state.peers) peers_.insert_or_assign(peer.wireguard.public_key, peer);
  report.peers = peers_.size();
  member_to_member_ = state.member_to_member;
  // A stale table from an earlier run included: replaced whole.
  if (firewall_base_) {
    if (!firewall_) firewall_ = std::make_unique<Firewall>(firewall_config(member_to_member_));
    firewall_->replace(firewall_config(member_to_member_), firewall_devices());
  }
  if (resolver_) replace_zone();
  return report;
}

void GatewayNode::apply(const GatewayChange& change) {
  require_live();
  if (change.dns) apply_dns(*change.dns);
  if (change.link) apply_link(*change.link, nullptr);

  // WireGuard first, all in one message: the old key is gone the moment the
  // new one exists, and a burn cannot stop at the n-th of many peers.
  DeviceChange wireguard;
  wireguard.listen_port = change.listen_port;
  for (const auto& key : change.remove) wireguard.peers.push_back(plan_remove(key).peers.at(0));
  for (const auto& peer : change.put)
    for (auto& p : plan_upsert(peer.wireguard).peers) wireguard.peers.push_back(std::move(p));
  if (!wireguard.empty()) backend_->apply(wireguard);

  // Cutting off never waits on the firewall or the zone: what they refuse
  // here, the next apply(GatewayState) replaces.
  std::vector<NodePeer> removed;
  for (const auto& key : change.remove) {
    auto it = peers_.find(key);
    if (it == peers_.end()) continue;
    removed.push_back(std::move(it->second));
    peers_.erase(it);
  }
  for (const auto& peer : removed) {
    try {
      if (firewall_) firewall_->remove(peer.firewall);
      if (resolver_ && !peer.dns_name.empty())
        resolver_->local_zone().remove(zone_entry(peer).name);
    } catch (const Error&) {
    }
  }

  if (change.member_to_member && *change.member_to_member != member_to_member_) {
    if (firewall_)
      firewall_->replace(firewall_config(*change.member_to_member), firewall_devices());
    member_to_member_ = *change.member_to_member;
    if (resolver_) set_zone_open(member_to_member_ || (dns_ && dns_->open_directory));
  }

  // A put the firewall or the zone refuses is undone: a new peer is taken
  // off again, and a peer it replaced (an access change) gets its old entry
  // back, so a refused change never cuts off a device that was working.
  std::map<Key, NodePeer> replaced;
  for (const auto& peer : change.put)
    if (auto old = peers_.find(peer.wireguard.public_key); old != peers_.end())
      replaced.emplace(old->first, old->second);
  try {
    for (const auto& peer : change.put) {
      if (auto old = peers_.find(peer.wireguard.public_key); old != peers_.end()) {
        if (resolver_ && !old->second.dns_name.empty() && old->second.dns_name != peer.dns_name)
          resolver_->local_zone().remove(zone_entry(old->second).name);
      }
      if (firewall_) firewall_->add(peer.firewall);
      if (resolver_ && !peer.dns_name.empty()) resolver_->local_zone().put(zone_entry(peer));
      peers_.insert_or_assign(peer.wireguard.public_key, peer);
    }
  } catch (const Error&) {
    undo_puts(change.put, replaced);
    throw;
  }
}

void GatewayNode::undo_puts(const std::vector<NodePeer>& puts,
                            const std::map<Key, NodePeer>& replaced) {
  DeviceChange back;
  for (const auto& peer : puts) {
    const auto& key = peer.wireguard.public_key;
    try {
      if (firewall_) firewall_->remove(peer.firewall);
      if (resolver_ && !peer.dns_name.empty())
        resolver_->local_zone().remove(zone_entry(peer).name);
    } catch (const Error&) {
    }
    peers_.erase(key);
    auto old = replaced.find(key);
    bool restored = false;
    if (old != replaced.end()) {
      try {
        if (firewall_) firewall_->add(old->second.firewall);
        if (resolver_ && !old->second.dns_name.empty())
          resolver_->local_zone().put(zone_entry(old->second));
        peers_.insert_or_assign(key, old->second);
        restored = true;
      } catch (const Error&) {
        // Its old entry is refused too: off WireGuard until the next
        // apply(GatewayState), rather than on it without its rules.
      }
    }
    for (auto& p : (restored ? plan_upsert(old->second.wireguard) : plan_remove(key)).peers)
      back.peers.push_back(std::move(p));
  }
  try {
    backend_->apply(back);
  } catch (const Error&) {
    // The next apply(GatewayState) puts WireGuard right.
  }
}

void GatewayNode::rotate_key(const SecretKey& next) {
  require_live();
  DeviceChange change;
  change.private_key = next;
  backend_->apply(change);
  private_key_ = next;
}

void GatewayNode::teardown() {
  torn_down_ = true;
  if (backend_->interface_exists()) {
    // Peers first, so that members are cut off even if removing the link
    // then fails (a kernel that refuses, a wireguard-go that will not exit).
    try {
      DeviceChange none;
      none.replace_peers = true;
      backend_->apply(none);
      backend_->remove_interface();
    } catch (const std::exception&) {
      // wireguard-go may be exiting by itself (systemd signals the whole
      // control group at once): an interface that is gone holds no peer.
      if (backend_->interface_exists()) throw;  // the table stays
    }
  }
  peers_.clear();
  if (firewall_base_) {
    if (!firewall_) firewall_ = std::make_unique<Firewall>(firewall_config(false));
    firewall_->remove_table();
  }
  table_removed_ = true;
}

}  // namespace picket::gateway
