#include "picket/controller/service.hpp"

#include <algorithm>
#include <stdexcept>

#include "domain/gateway_link.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/render.hpp"
#include "picket/controller/validate.hpp"
#include "picket/gateway/error.hpp"
#include "store/device_access.hpp"
#include "store/device_gateways.hpp"

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

// A member's scope in the zone is its id; a group's has the top bit set.
constexpr std::uint32_t kGroupScope = 0x80000000u;

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

Service::Service(Store& store, GatewayLink& link, gateway::SecretKey gateway_private_key,
                 Clock clock, HostPrefixes host_prefixes)
    : store_(store),
      link_(link),
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

std::optional<std::vector<GatewayAnswer>> Service::take_gateway_answers() {
  return link_.take_answers();
}

std::vector<GatewayEndpoint> Service::gateway_endpoints() const {
  return link_.client_endpoints().value_or(std::vector<GatewayEndpoint>{});
}

void Service::check_somewhere_to_dial() const {
  // A controller's members dial its gateway hosts, each at its own
  // endpoint; a single box's, the settings' endpoint.
  const auto endpoints = link_.client_endpoints();
  if (endpoints && endpoints->empty())
    throw ConflictError(
        "no gateway host is enrolled, so the device would have nowhere to connect: enrol one "
        "first (`picket gateway add NAME --endpoint HOST:PORT` on this controller)");
  if (!endpoints && settings_.endpoint.empty())
    throw std::invalid_argument(
        "the gateway has no public endpoint yet; set it with `picket init --endpoint HOST:PORT`");
}

gateway::LinkSettings Service::link_settings() const {
  gateway::LinkSettings link;
  link.mtu = settings_.mtu;
  link.addresses = {Cidr{pool_.gateway_ipv4(), settings_.ipv4_subnet.prefix},
                    Cidr{pool_.gateway_ipv6(), settings_.ipv6_subnet.prefix}};
  return link;
}

void Service::require_up() const {
  if (down_)
    throw ApplyError("picketd is stopping (or the gateway was wiped); the interface is down");
}

void Service::apply_then_commit(Store::Transaction& tx, const gateway::GatewayChange& change,
                                std::string_view what) {
  require_up();
  try {
    if (!change.empty()) link_.apply(change);
  } catch (const gateway::Error& e) {
    throw ApplyError("the gateway refused " + std::string(what) + " (" + e.what() +
                     "); nothing was changed");
  }
  tx.commit();
}

bool Service::should_be_active(const Device& device) const {
  return device.enabled && (!device.expires_at || *device.expires_at > clock_());
}

std::uint32_t Service::group_id(const std::string& group) {
  if (group.empty()) return 0;
  const auto next = static_cast<std::uint32_t>(group_ids_.size() + 1);
  return group_ids_.emplace(group, next).first->second;
}

gateway::NodePeer Service::peer_of(const Device& device, const std::string& member_label,
                                   const DeviceAccess& access) {
  return peer_of(device, member_label, access, device_gateways::load(store_, device.id));
}

gateway::NodePeer Service::peer_of(const Device& device, const std::string& member_label,
                                   const DeviceAccess& access,
                                   const std::optional<std::vector<std::string>>& hosts) {
  gateway::NodePeer peer;
  peer.hosts = hosts;
  peer.wireguard.public_key = device.public_key;
  peer.wireguard.preshared_key = device.preshared_key;
  peer.wireguard.allowed_ips = {host_route(device.ipv4), host_route(device.ipv6)};
  peer.firewall = gateway::FirewallDevice{device.ipv4, device.ipv6, access.restricted_to,
                                          group_id(access.group)};
  // Labels are a-z, 0-9 and '-' (validate.cpp), unique per member, and
  // member labels are unique: names are valid and never collide. Who may
  // see the name: its member's devices, and its group's (DESIGN principle
  // 11: no member learns the roster).
  peer.dns_name = device.label + "." + member_label;
  peer.dns_scopes = {static_cast<std::uint32_t>(device.member_id)};
  if (!access.group.empty()) peer.dns_scopes.push_back(kGroupScope | group_id(access.group));
  return peer;
}

gateway::NodePeer Service::peer_of(const Device& device, const std::string& member_label) {
  return peer_of(device, member_label, device_access::load(store_, device.id));
}

gateway::GatewayState Service::gateway_state() {
  gateway::GatewayState state;
  state.private_key = private_key_;
  state.listen_port = settings_.listen_port;
  state.link = link_settings();
  state.member_to_member = device_access::member_to_member(store_);
  state.dns = dns_config_;
  std::map<std::int64_t, std::string> labels;
  for (auto& member : store_.list_members()) labels.emplace(member.id, std::move(member.label));
  const auto access = device_access::load_all(store_);
  const auto hosts = device_gateways::load_all(store_);
  for (const auto& device : store_.list_devices(DeviceFilter{.member_id = {}, .enabled = true})) {
    if (!should_be_active(device)) continue;
    const auto it = access.find(device.id);
    const auto on = hosts.find(device.id);
    state.peers.push_back(peer_of(device, labels[device.member_id],
                                  it != access.end() ? it->second : DeviceAccess{},
                                  on != hosts.end() ? std::optional(on->second) : std::nullopt));
  }
  return state;
}

ReconcileReport Service::reconcile() {
  require_up();
  const auto state = gateway_state();
  const auto node = link_.apply(state);
  // The expiry timer's work list follows what the gateway now holds.
  expiries_.clear();
  for (const auto& device : store_.list_devices(DeviceFilter{.member_id = {}, .enabled = true}))
    if (should_be_active(device)) track_expiry(device);
  return ReconcileReport{node.wireguard, state.peers.size(), node.interface_created};
}

void Service::track_expiry(const Device& device) {
  if (device.expires_at) expiries_.emplace(*device.expires_at, device.id);
}

void Service::untrack_expiry(const Device& device) {
  for (auto it = expiries_.begin(); it != expiries_.end();) {
    it = it->second == device.id ? expiries_.erase(it) : std::next(it);
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
    require_up();
    gateway::GatewayChange change;
    change.remove = {device->public_key};
    link_.apply(change);
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
    gateway::GatewayChange link_change;
    if (subnets_change) link_change.link = link_settings();
    if (next.listen_port != previous.listen_port) link_change.listen_port = next.listen_port;
    apply_then_commit(tx, link_change);
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
  gateway::GatewayChange change;
  for (const auto& device : devices) change.remove.push_back(device.public_key);
  apply_then_commit(tx, change);
  for (const auto& device : devices) {
    untrack_expiry(device);
    pool_.release(device.host_index);
  }
}

ClientParameters Service::add_device(const std::string& member_label, const NewDevice& request) {
  check_somewhere_to_dial();
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
  const auto access = request.access ? validate_access(*request.access) : DeviceAccess{};
  if (request.access && !firewall_on() && *request.access != DeviceAccess{})
    throw std::invalid_argument(
        "picketd's firewall is off (--no-firewall), so it cannot restrict devices or group them");
  if (request.expires_at && *request.expires_at <= clock_()) {
    throw std::invalid_argument("expires_at lies in the past; give a future time");
  }
  std::optional<std::vector<std::string>> hosts;
  if (request.assigned_gateways) {
    hosts = validate_assignment(*request.assigned_gateways);
    if (hosts->empty())
      throw std::invalid_argument(
          "assigned_gateways is empty, so the device would have nowhere to connect: name at "
          "least one gateway, or leave it out for every gateway");
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
  bool sent_to_gateway = false;
  bool created_member = false;
  try {
    Store::Transaction tx(store_);
    if (member.id == 0) {
      created_member = true;
      member = store_.insert_member(member.label, member.note);
      device.member_id = member.id;
    }
    device = store_.insert_device(device);
    if (request.access) device_access::save(store_, device.id, access);
    if (hosts) device_gateways::save(store_, device.id, hosts);
    gateway::GatewayChange change;
    change.put = {peer_of(device, member.label, access, hosts)};
    sent_to_gateway = true;
    apply_then_commit(tx, change);
  } catch (...) {
    pool_.release(device.host_index);
    // Only a peer this call sent may be taken back: after a refused insert
    // the key may belong to another device that must stay.
    if (sent_to_gateway && !down_) {
      try {
        gateway::GatewayChange back;
        back.remove = {device.public_key};
        link_.apply(back);
      } catch (const gateway::Error&) {
        // The drift timer removes it if it is there.
      }
    }
    throw;
  }
  track_expiry(device);
  auto params = client_parameters(device, member.label, hosts);
  params.member_created = created_member;
  return params;
}

ClientParameters Service::client_parameters(
    const Device& device, const std::string& member_label,
    const std::optional<std::vector<std::string>>& hosts) const {
  ClientParameters params;
  params.device = device;
  params.member_label = member_label;
  params.settings = settings_;
  params.dns = effective_dns();
  params.fingerprint = key_fingerprint(settings_.public_key);
  params.gateways = gateway_endpoints();
  if (hosts)
    std::erase_if(params.gateways, [&](const GatewayEndpoint& gateway) {
      return std::find(hosts->begin(), hosts->end(), gateway.name) == hosts->end();
    });
  return params;
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
  gateway::GatewayChange change;
  if (should_be_active(device))
    change.put = {peer_of(device, member.label)};
  else if (was_active)
    change.remove = {device.public_key};
  apply_then_commit(tx, change);
  untrack_expiry(device);
  if (should_be_active(device)) track_expiry(device);
  return device;
}

void Service::revoke_device(const std::string& member_label, const std::string& label) {
  const auto member = member_or_throw(member_label);
  const auto device = device_or_throw(member, label);
  Store::Transaction tx(store_);
  store_.delete_device(device.id);
  gateway::GatewayChange change;
  change.remove = {device.public_key};
  apply_then_commit(tx, change);
  untrack_expiry(device);
  pool_.release(device.host_index);
}

ClientParameters Service::reissue_device(const std::string& member_label, const std::string& label,
                                         const gateway::Key& new_public_key,
                                         const std::optional<gateway::SecretKey>& preshared_key) {
  gateway::validate_public_key(new_public_key);
  if (link_.client_endpoints()) check_somewhere_to_dial();
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
  // One change: the old key is gone the moment the new one exists.
  gateway::GatewayChange change;
  change.remove = {old_device.public_key};
  if (should_be_active(device)) change.put = {peer_of(device, member.label)};
  apply_then_commit(tx, change);
  return client_parameters(device, member.label, device_gateways::load(store_, device.id));
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
  gateway::GatewayChange change;
  if (should_be_active(device) && !was_active) change.put = {peer_of(device, member.label)};
  apply_then_commit(tx, change);
  untrack_expiry(device);
  if (should_be_active(device)) track_expiry(device);
  return device;
}

std::vector<DeviceStatus> Service::status() {
  auto snapshot = link_.read();
  auto by_gateway = link_.read_by_gateway();
  std::map<gateway::Key, gateway::PeerStats> live;
  for (auto& peer : snapshot.peers) live.emplace(peer.config.public_key, std::move(peer.stats));
  auto devices = list_devices(std::nullopt);
  for (auto& status : devices) {
    auto it = live.find(status.device.public_key);
    status.active = it != live.end();
    if (status.active) status.stats = it->second;
    status.stats.endpoint.reset();  // members' addresses stay out of every answer
    if (auto gateways = by_gateway.find(status.device.public_key); gateways != by_gateway.end())
      status.gateways = std::move(gateways->second);
  }
  return devices;
}

std::size_t Service::device_count() {
  return store_.list_devices().size();
}

}  // namespace picket::controller
