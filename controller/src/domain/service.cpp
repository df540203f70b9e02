#include "picket/controller/service.hpp"

#include <algorithm>
#include <stdexcept>

#include "picket/controller/errors.hpp"
#include "picket/controller/render.hpp"
#include "picket/controller/validate.hpp"
#include "picket/gateway/error.hpp"

namespace picket::controller {

using gateway::Cidr;
using gateway::IpAddress;

namespace {

Settings load_settings(Store& store) {
  auto settings = store.settings();
  if (!settings) {
    throw std::runtime_error(
        "the database holds no gateway settings; start picketd once to create them");
  }
  return *settings;
}

Cidr host_route(const IpAddress& ip) {
  return Cidr{ip, ip.max_prefix()};
}

// Runs `apply` against the interface inside an open transaction: the
// transaction commits only when the interface accepted the change, so a
// refusal leaves both as they were.
template <typename Apply>
void apply_then_commit(Store::Transaction& tx, Apply&& apply) {
  try {
    apply();
  } catch (const gateway::Error& e) {
    throw ApplyError(std::string("the WireGuard interface refused the change (") + e.what() +
                     "); nothing was changed");
  }
  tx.commit();
}

// The split list as a device keeps it: networks, each once, at most
// kMaxSplitEntries of them so that its config fits one QR code.
std::vector<Cidr> split_entries(const std::vector<Cidr>& requested) {
  std::vector<Cidr> entries;
  for (const auto& cidr : requested) {
    const auto network = cidr.network();
    if (std::find(entries.begin(), entries.end(), network) == entries.end())
      entries.push_back(network);
  }
  check_split_entries(entries.size());
  return entries;
}

}  // namespace

void check_split_entries(std::size_t count) {
  if (count > kMaxSplitEntries) {
    throw std::invalid_argument(
        "the split-tunnel list has " + std::to_string(count) + " different entries; at most " +
        std::to_string(kMaxSplitEntries) +
        " fit in the QR code a phone scans: route wider prefixes (one /16 instead of many /24s)");
  }
}

std::int64_t system_clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check_no_overlap(const Cidr& subnet, const std::vector<Cidr>& taken) {
  for (const auto& other : taken) {
    if (subnet.overlaps(other)) {
      throw std::invalid_argument("the tunnel subnet " + subnet.str() + " overlaps " + other.str() +
                                  ", a network this host is already on; choose another subnet");
    }
  }
}

Service::Service(Store& store, gateway::WireGuardBackend& backend,
                 gateway::SecretKey gateway_private_key, Clock clock, HostPrefixes host_prefixes)
    : store_(store),
      backend_(backend),
      reconciler_(backend),
      private_key_(std::move(gateway_private_key)),
      clock_(std::move(clock)),
      host_prefixes_(std::move(host_prefixes)),
      settings_(load_settings(store)),
      pool_(settings_.ipv4_subnet, settings_.ipv6_subnet) {
  if (gateway::public_key_of(private_key_) != settings_.public_key) {
    throw std::runtime_error(
        "the gateway private key file does not match the public key in the database; restore the "
        "matching key file or re-initialise the state directory");
  }
  for (auto index : store_.used_host_indices()) pool_.reserve(index);
}

gateway::LinkSettings Service::link_settings() const {
  gateway::LinkSettings link;
  link.mtu = settings_.mtu;
  link.addresses = {Cidr{pool_.gateway_ipv4(), settings_.ipv4_subnet.prefix},
                    Cidr{pool_.gateway_ipv6(), settings_.ipv6_subnet.prefix}};
  return link;
}

ReconcileReport Service::start() {
  if (wiped_)
    throw ApplyError("picketd is stopping (or the gateway was wiped); the interface is down");
  backend_.ensure_interface(link_settings());
  return reconcile();
}

bool Service::should_be_active(const Device& device) const {
  return device.enabled && (!device.expires_at || *device.expires_at > clock_());
}

gateway::PeerConfig Service::peer_of(const Device& device) const {
  gateway::PeerConfig peer;
  peer.public_key = device.public_key;
  peer.preshared_key = device.preshared_key;
  peer.allowed_ips = {host_route(device.ipv4), host_route(device.ipv6)};
  return peer;
}

gateway::DesiredDevice Service::desired() {
  gateway::DesiredDevice desired;
  desired.private_key = private_key_;
  desired.listen_port = settings_.listen_port;
  expiries_.clear();
  active_at_last_plan_.clear();
  std::map<std::int64_t, std::string> labels;
  if (!listeners_.empty()) {
    for (auto& member : store_.list_members()) labels.emplace(member.id, std::move(member.label));
  }
  for (auto& device : store_.list_devices(DeviceFilter{.member_id = {}, .enabled = true})) {
    if (!should_be_active(device)) continue;
    desired.peers.push_back(peer_of(device));
    track_expiry(device);
    if (!listeners_.empty())
      active_at_last_plan_.push_back({std::move(device), labels[device.member_id]});
  }
  return desired;
}

ReconcileReport Service::reconcile() {
  if (wiped_)
    throw ApplyError("picketd is stopping (or the gateway was wiped); the interface is down");
  auto wanted = desired();
  ReconcileReport report;
  report.desired_peers = wanted.peers.size();
  report.result = reconciler_.reconcile(wanted);
  for (auto* listener : listeners_) listener->sync(active_at_last_plan_);
  active_at_last_plan_.clear();
  listener_repair_needed_ = false;
  return report;
}

void Service::track_expiry(const Device& device) {
  if (device.expires_at) expiries_.emplace(*device.expires_at, device.id);
}

void Service::untrack_expiry(const Device& device) {
  for (auto it = expiries_.begin(); it != expiries_.end();) {
    it = it->second == device.id ? expiries_.erase(it) : std::next(it);
  }
}

std::string Service::member_label_of(const Device& device) {
  auto member = store_.member_by_id(device.member_id);
  return member ? member->label : std::string();
}

// A listener that refuses a new device makes the whole change fail: the
// caller takes the peer off again and rolls back.
void Service::notify_activated(const Device& device, const std::string& member_label) {
  const ActiveDevice active{device, member_label};
  for (auto* listener : listeners_) {
    try {
      listener->activated(active);
    } catch (const std::exception& e) {
      throw gateway::Error(std::string("a device listener refused the device: ") + e.what());
    }
  }
}

// Cutting off never waits on a listener: a failure here is left to the next
// drift repair, which re-syncs every listener.
void Service::notify_deactivated(const Device& device, const std::string& member_label) {
  const ActiveDevice active{device, member_label};
  for (auto* listener : listeners_) {
    try {
      listener->deactivated(active);
    } catch (const std::exception&) {
      listener_repair_needed_ = true;
    }
  }
}

std::optional<std::int64_t> Service::next_expiry() const {
  if (expiries_.empty()) return std::nullopt;
  return expiries_.begin()->first;
}

std::size_t Service::expire_due() {
  std::size_t removed = 0;
  const auto now = clock_();
  while (!expiries_.empty() && expiries_.begin()->first <= now) {
    const auto id = expiries_.begin()->second;
    expiries_.erase(expiries_.begin());
    auto device = store_.device_by_id(id);
    if (!device) continue;
    reconciler_.remove_peer(device->public_key);
    notify_deactivated(*device, member_label_of(*device));
    ++removed;
  }
  return removed;
}

std::vector<IpAddress> Service::effective_dns() const {
  if (!settings_.dns.empty()) return settings_.dns;
  return {pool_.gateway_ipv4(), pool_.gateway_ipv6()};
}

Settings Service::change_settings(const SettingsChange& change) {
  Settings next = settings_;
  if (change.endpoint) next.endpoint = validate_endpoint(*change.endpoint);
  if (change.dns) next.dns = *change.dns;
  if (change.listen_port) {
    if (*change.listen_port == 0) throw std::invalid_argument("listen_port must be 1-65535");
    next.listen_port = *change.listen_port;
  }
  const bool subnets_change =
      (change.ipv4_subnet && *change.ipv4_subnet != settings_.ipv4_subnet) ||
      (change.ipv6_subnet && *change.ipv6_subnet != settings_.ipv6_subnet);
  if (change.ipv4_subnet) next.ipv4_subnet = *change.ipv4_subnet;
  if (change.ipv6_subnet) next.ipv6_subnet = *change.ipv6_subnet;
  if (!next.ipv4_subnet.address.is_v4())
    throw std::invalid_argument("ipv4_subnet must be an IPv4 prefix");
  if (next.ipv6_subnet.address.is_v4())
    throw std::invalid_argument("ipv6_subnet must be an IPv6 prefix");
  if (change.ipv6_subnet) check_ula_subnet(next.ipv6_subnet);
  AddressPool next_pool(next.ipv4_subnet, next.ipv6_subnet);  // validates both subnets
  if (subnets_change && store_.list_devices().size() > 0) {
    throw std::invalid_argument(
        "the tunnel subnets cannot change while devices exist; revoke every device first");
  }
  if (subnets_change && host_prefixes_) {
    const auto taken = host_prefixes_();
    check_no_overlap(next.ipv4_subnet, taken);
    check_no_overlap(next.ipv6_subnet, taken);
  }
  if (next == settings_) return settings_;

  Store::Transaction tx(store_);
  store_.save_settings(next);
  const Settings previous = settings_;
  const AddressPool previous_pool = pool_;
  settings_ = next;
  if (subnets_change) pool_ = next_pool;
  try {
    apply_then_commit(tx, [&] {
      if (subnets_change) backend_.ensure_interface(link_settings());
      if (next.listen_port != previous.listen_port) {
        gateway::DeviceChange port;
        port.listen_port = next.listen_port;
        backend_.apply(port);
      }
    });
  } catch (...) {
    settings_ = previous;
    pool_ = previous_pool;
    throw;
  }
  return settings_;
}

Member Service::add_member(const std::string& label, const std::string& note) {
  return store_.insert_member(normalize_label("member label", label), validate_note(note));
}

std::vector<Member> Service::list_members() {
  return store_.list_members();
}

Member Service::member_or_throw(const std::string& label) {
  auto member = store_.member_by_label(normalize_label("member label", label));
  if (!member) throw NotFoundError("no member with that label; see `picket member list`");
  return *member;
}

Device Service::device_or_throw(const Member& member, const std::string& label) {
  auto device = store_.device_by_label(member.id, normalize_label("device label", label));
  if (!device)
    throw NotFoundError("the member has no device with that label; see `picket device list`");
  return *device;
}

void Service::remove_member(const std::string& label) {
  const auto member = member_or_throw(label);
  const auto devices = store_.list_devices(DeviceFilter{.member_id = member.id, .enabled = {}});
  Store::Transaction tx(store_);
  store_.delete_member(member.id);
  apply_then_commit(tx, [&] {
    gateway::DeviceChange change;
    for (const auto& device : devices)
      change.peers.push_back(gateway::plan_remove(device.public_key).peers.at(0));
    if (!change.empty()) backend_.apply(change);
  });
  for (const auto& device : devices) {
    untrack_expiry(device);
    pool_.release(device.host_index);
    if (should_be_active(device)) notify_deactivated(device, member.label);
  }
}

ClientParameters Service::add_device(const std::string& member_label, const NewDevice& request) {
  if (settings_.endpoint.empty()) {
    throw std::invalid_argument(
        "the gateway has no public endpoint yet; set it with `picket init --endpoint HOST:PORT`");
  }
  // A member to be created with this device is checked now and inserted in
  // the device's transaction below.
  auto member = request.new_member_note
                    ? store_.member_by_label(normalize_label("member label", member_label))
                          .value_or(Member{0, normalize_label("member label", member_label),
                                           validate_note(*request.new_member_note), 0})
                    : member_or_throw(member_label);
  gateway::validate_public_key(request.public_key);
  if (request.public_key == settings_.public_key) {
    throw std::invalid_argument(
        "the public key is the gateway's own; generate a new key pair for the device");
  }
  const auto split = split_entries(request.allowed_ips);
  if (request.expires_at && *request.expires_at <= clock_()) {
    throw std::invalid_argument("expires_at lies in the past; give a future time");
  }
  Device device;
  device.member_id = member.id;
  device.label = normalize_label("device label", request.label);
  device.public_key = request.public_key;
  device.preshared_key = gateway::generate_preshared_key();
  device.client_allowed_ips = split;
  if (device.client_allowed_ips.empty()) {
    device.client_allowed_ips = {Cidr::parse("0.0.0.0/0"), Cidr::parse("::/0")};
  }
  if (request.keepalive) device.keepalive = *request.keepalive;
  if (request.mtu) {
    if (*request.mtu != 0 && (*request.mtu < 1280 || *request.mtu > 9000)) {
      throw std::invalid_argument("mtu must be 0 (automatic) or 1280-9000");
    }
    device.mtu = *request.mtu;
  }
  device.expires_at = request.expires_at;
  device.enabled = true;

  try {
    device.host_index = pool_.allocate();
  } catch (const std::runtime_error& e) {
    throw ConflictError(e.what());
  }
  device.ipv4 = pool_.ipv4_of(device.host_index);
  device.ipv6 = pool_.ipv6_of(device.host_index);
  bool sent_to_interface = false;
  bool created_member = false;
  try {
    Store::Transaction tx(store_);
    if (member.id == 0) {
      created_member = true;
      member = store_.insert_member(member.label, member.note);
      device.member_id = member.id;
    }
    device = store_.insert_device(device);
    apply_then_commit(tx, [&] {
      sent_to_interface = true;
      reconciler_.upsert_peer(peer_of(device));
      notify_activated(device, member.label);
    });
  } catch (...) {
    pool_.release(device.host_index);
    // Only a peer this call sent may be taken back: after a refused insert
    // the key may belong to another device that must stay.
    if (sent_to_interface) {
      try {
        reconciler_.remove_peer(device.public_key);
      } catch (const gateway::Error&) {
        // The drift timer removes it if it is there.
      }
    }
    throw;
  }
  track_expiry(device);
  auto params = client_parameters(device, member.label);
  params.member_created = created_member;
  return params;
}

ClientParameters Service::client_parameters(const Device& device,
                                            const std::string& member_label) const {
  return ClientParameters{device, member_label, settings_, effective_dns(),
                          key_fingerprint(settings_.public_key)};
}

std::vector<DeviceStatus> Service::list_devices(const std::optional<std::string>& member) {
  std::map<std::int64_t, std::string> labels;
  for (const auto& m : store_.list_members()) labels[m.id] = m.label;
  DeviceFilter filter;
  if (member) filter.member_id = member_or_throw(*member).id;
  std::vector<DeviceStatus> out;
  for (auto& device : store_.list_devices(filter)) {
    DeviceStatus status;
    status.active = should_be_active(device);
    status.member_label = labels[device.member_id];
    status.device = std::move(device);
    out.push_back(std::move(status));
  }
  return out;
}

DeviceStatus Service::show_device(const std::string& member_label, const std::string& label) {
  const auto member = member_or_throw(member_label);
  DeviceStatus status;
  status.device = device_or_throw(member, label);
  status.member_label = member.label;
  status.active = should_be_active(status.device);
  return status;
}

Device Service::set_enabled(const std::string& member_label, const std::string& label,
                            bool enabled) {
  const auto member = member_or_throw(member_label);
  auto device = device_or_throw(member, label);
  if (device.enabled == enabled) return device;
  const bool was_active = should_be_active(device);
  device.enabled = enabled;
  Store::Transaction tx(store_);
  store_.update_device(device);
  apply_then_commit(tx, [&] {
    if (should_be_active(device)) {
      reconciler_.upsert_peer(peer_of(device));
      try {
        notify_activated(device, member.label);
      } catch (...) {
        reconciler_.remove_peer(device.public_key);
        throw;
      }
    } else {
      reconciler_.remove_peer(device.public_key);
    }
  });
  if (was_active) notify_deactivated(device, member.label);
  untrack_expiry(device);
  if (should_be_active(device)) track_expiry(device);
  return device;
}

void Service::revoke_device(const std::string& member_label, const std::string& label) {
  const auto member = member_or_throw(member_label);
  const auto device = device_or_throw(member, label);
  Store::Transaction tx(store_);
  store_.delete_device(device.id);
  apply_then_commit(tx, [&] { reconciler_.remove_peer(device.public_key); });
  untrack_expiry(device);
  pool_.release(device.host_index);
  if (should_be_active(device)) notify_deactivated(device, member.label);
}

ClientParameters Service::reissue_device(const std::string& member_label, const std::string& label,
                                         const gateway::Key& new_public_key,
                                         const std::optional<gateway::SecretKey>& preshared_key) {
  gateway::validate_public_key(new_public_key);
  if (preshared_key && preshared_key->is_zero()) {
    throw std::invalid_argument(
        "the preshared key is all zeros, which WireGuard reads as none; send 32 random bytes or "
        "leave it out");
  }
  if (new_public_key == settings_.public_key) {
    throw std::invalid_argument(
        "the public key is the gateway's own; generate a new key pair for the device");
  }
  const auto member = member_or_throw(member_label);
  const auto old_device = device_or_throw(member, label);
  if (new_public_key == old_device.public_key) {
    throw std::invalid_argument("reissue needs a new public key; the device already uses this one");
  }
  // A device from before the limit keeps working, but a new config for it
  // could not be shown as a QR code.
  check_split_entries(old_device.client_allowed_ips.size());
  auto device = old_device;
  device.public_key = new_public_key;
  device.preshared_key = preshared_key ? *preshared_key : gateway::generate_preshared_key();
  Store::Transaction tx(store_);
  store_.update_device(device);
  apply_then_commit(tx, [&] {
    // Both in one set: the old key is gone the moment the new one exists.
    gateway::DeviceChange change;
    if (should_be_active(device)) change.peers = gateway::plan_upsert(peer_of(device)).peers;
    change.peers.push_back(gateway::plan_remove(old_device.public_key).peers.at(0));
    backend_.apply(change);
  });
  if (should_be_active(device)) {
    notify_deactivated(old_device, member.label);
    try {
      notify_activated(device, member.label);
    } catch (const std::exception&) {
      listener_repair_needed_ = true;
    }
  }
  return client_parameters(device, member.label);
}

Device Service::set_expiry(const std::string& member_label, const std::string& label,
                           std::optional<std::int64_t> expires_at) {
  const auto member = member_or_throw(member_label);
  auto device = device_or_throw(member, label);
  if (expires_at && *expires_at <= clock_()) {
    throw std::invalid_argument(
        "expires_at lies in the past; to cut the device off now, disable or revoke it");
  }
  const bool was_active = should_be_active(device);
  device.expires_at = expires_at;
  Store::Transaction tx(store_);
  store_.update_device(device);
  apply_then_commit(tx, [&] {
    if (should_be_active(device) && !was_active) {
      reconciler_.upsert_peer(peer_of(device));
      try {
        notify_activated(device, member.label);
      } catch (...) {
        reconciler_.remove_peer(device.public_key);
        throw;
      }
    }
  });
  untrack_expiry(device);
  if (should_be_active(device)) track_expiry(device);
  return device;
}

std::vector<DeviceStatus> Service::status() {
  auto snapshot = backend_.read();
  std::map<gateway::Key, gateway::PeerStats> live;
  for (auto& peer : snapshot.peers) live.emplace(peer.config.public_key, std::move(peer.stats));
  auto devices = list_devices(std::nullopt);
  for (auto& status : devices) {
    auto it = live.find(status.device.public_key);
    status.active = it != live.end();
    if (status.active) status.stats = it->second;
    status.stats.endpoint.reset();  // members' addresses stay out of every answer
  }
  return devices;
}

std::size_t Service::device_count() {
  return store_.list_devices().size();
}

}  // namespace picket::controller
