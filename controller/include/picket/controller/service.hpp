#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/address_pool.hpp"
#include "picket/controller/model.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/state.hpp"

namespace picket::controller {

class GatewayLink;

// Seconds since the epoch; injectable so expiry can be tested without waiting.
using Clock = std::function<std::int64_t()>;
std::int64_t system_clock_now();

// The prefixes of the host's other networks, which tunnel subnets must not
// overlap (gateway::prefixes_on_other_interfaces in production).
using HostPrefixes = std::function<std::vector<gateway::Cidr>()>;

// Throws std::invalid_argument, naming kMaxSplitEntries, when a split list
// of `count` different entries is too long for a config's QR code.
void check_split_entries(std::size_t count);

// Throws std::invalid_argument when `subnet` overlaps one of `taken`.
void check_no_overlap(const gateway::Cidr& subnet, const std::vector<gateway::Cidr>& taken);

struct SettingsChange {
  std::optional<std::string> endpoint;
  std::optional<gateway::Cidr> ipv4_subnet;
  std::optional<gateway::Cidr> ipv6_subnet;
  std::optional<std::vector<gateway::IpAddress>> dns;
  std::optional<std::uint16_t> listen_port;
};

struct NewDevice {
  std::string label;
  gateway::Key public_key;                 // generated on the admin's side
  std::vector<gateway::Cidr> allowed_ips;  // empty = full tunnel; repeats are dropped
  std::optional<std::uint16_t> keepalive;
  std::optional<std::uint16_t> mtu;
  std::optional<std::int64_t> expires_at;
  // Set: a member that does not exist yet is created (with this note) in the
  // device's transaction, so a refused device leaves no member behind.
  std::optional<std::string> new_member_note;
  // Stored in the device's transaction; needs the firewall.
  std::optional<DeviceAccess> access;
  // Set: only these gateway hosts serve the device (a controller only; not
  // empty). Unset: every one, also those enrolled later.
  std::optional<std::vector<std::string>> assigned_gateways;
};

// What a client needs to render its config, minus its private key.
struct ClientParameters {
  Device device;
  std::string member_label;
  Settings settings;
  std::vector<gateway::IpAddress> dns;  // effective
  std::string fingerprint;
  // A controller's gateway hosts: one config each, with the gateway's
  // endpoint and key instead of the settings'. Empty on a single box.
  std::vector<GatewayEndpoint> gateways;
  bool member_created = false;  // add_device created the member (NewDevice::new_member_note)
};

struct DeviceStatus {
  Device device;
  std::string member_label;
  bool active = false;       // the peer is on the interface
  gateway::PeerStats stats;  // read live, never stored
  // On a controller, each gateway host the device has had a handshake
  // with, the latest first (`stats` then holds the latest handshake and
  // the counters' sums). Empty on a single box.
  std::vector<GatewayPeerStats> gateways;
};

struct ReconcileReport {
  gateway::ReconcileResult result;
  std::size_t desired_peers = 0;
  bool interface_created = false;
};

// The domain: members, devices, settings, device access, and keeping the
// gateway equal to what the database says. The database decides the whole
// GatewayState (gateway_state()); every mutation sends the GatewayChange it
// implies through the GatewayLink before its transaction commits, and when
// the gateway refuses, the transaction rolls back, so database and gateway
// stay equal. Never touches a backend, a firewall or a resolver itself. Not
// thread-safe: the daemon calls it from one thread.
class Service {
 public:
  Service(Store& store, GatewayLink& link, gateway::SecretKey gateway_private_key,
          Clock clock = system_clock_now, HostPrefixes host_prefixes = {});

  // What the gateway should hold, from the database alone: the enabled,
  // unexpired devices as peers (with their access and names), the
  // interface's key, port and addresses, the isolation switch and the DNS
  // config set last.
  gateway::GatewayState gateway_state();
  // Sends the whole state: creates or adopts the interface and repairs any
  // drift (at start and at every drift interval).
  ReconcileReport reconcile();
  ReconcileReport start() { return reconcile(); }
  // The resolver's settings, part of every later gateway_state().
  void set_dns_config(std::optional<gateway::DnsConfig> config) { dns_config_ = std::move(config); }
  // Removes peers whose expiry has passed; returns how many. Call it at
  // next_expiry().
  std::size_t expire_due();
  std::optional<std::int64_t> next_expiry() const;

  const Settings& settings() const { return settings_; }
  Settings change_settings(const SettingsChange& change);
  std::vector<gateway::IpAddress> effective_dns() const;

  Member add_member(const std::string& label, const std::string& note);
  std::vector<Member> list_members();
  void remove_member(const std::string& label);  // revokes its devices

  ClientParameters add_device(const std::string& member, const NewDevice& request);
  std::vector<DeviceStatus> list_devices(const std::optional<std::string>& member);
  DeviceStatus show_device(const std::string& member, const std::string& label);
  Device set_enabled(const std::string& member, const std::string& label, bool enabled);
  void revoke_device(const std::string& member, const std::string& label);
  // `preshared_key` lets the admin's side make the whole new config, and
  // hand it out, before the old key stops working; without it picketd makes
  // one.
  ClientParameters reissue_device(const std::string& member, const std::string& label,
                                  const gateway::Key& new_public_key,
                                  const std::optional<gateway::SecretKey>& preshared_key = {});
  Device set_expiry(const std::string& member, const std::string& label,
                    std::optional<std::int64_t> expires_at);

  // Live status of every device (one full read of the interface).
  std::vector<DeviceStatus> status();

  // Device access and member isolation (service_access.cpp); they need the
  // gateway's firewall (firewall_on()).
  bool firewall_on() const;
  DeviceAccess access(const std::string& member, const std::string& label);
  // Stores and applies in one step: when the gateway refuses, the database
  // keeps the old access. Returns what was stored.
  DeviceAccess set_access(const std::string& member, const std::string& label,
                          const DeviceAccess& access);

  // Which gateway hosts serve a device, on a controller (service_gateways.cpp):
  // unset, every one; set, only those named (empty: none). Throws
  // ConflictError on a single box. Setting returns what was stored, once
  // every connected gateway has applied it (take_gateway_answers()).
  std::optional<std::vector<std::string>> assigned_gateways(const std::string& member,
                                                            const std::string& label);
  std::optional<std::vector<std::string>> set_assigned_gateways(
      const std::string& member, const std::string& label,
      const std::optional<std::vector<std::string>>& gateways);
  bool member_to_member();
  void set_member_to_member(bool allowed);

  std::size_t device_count();

  // Seizure resilience (service_seizure.cpp). Each cuts the devices off the
  // interface in one change before its transaction commits.
  // Revokes every device of the member, who stays; returns how many.
  std::size_t revoke_member_devices(const std::string& member);
  // Disables every enabled device of the member in one change (they stay,
  // and can be enabled one by one); returns how many (service_members.cpp).
  std::size_t disable_member_devices(const std::string& member);
  // "Burn": revokes every device of every member but `except` (the caller's
  // own, cut after its answer: api/seizure_routes.cpp); returns how many.
  std::size_t revoke_all_devices(std::optional<std::int64_t> except = std::nullopt);
  // Takes every peer off, removes the interface, then the firewall table,
  // and from then on refuses every change, so the drift timer cannot bring
  // the interface back while picketd stops. The panic wipe's network side,
  // and the first step of every stop: no peer may outlive the table. Throws
  // when the peers or the interface could not be removed (the table stays).
  void take_gateway_down();
  // What each gateway host said about the changes since the last call
  // (GatewayLink::take_answers); nullopt on a single box or when nothing
  // was sent.
  std::optional<std::vector<GatewayAnswer>> take_gateway_answers();
  // The gateway hosts members dial (GatewayLink::client_endpoints); empty
  // on a single box.
  std::vector<GatewayEndpoint> gateway_endpoints() const;
  // Puts a new gateway private key on the interface and its public key in the
  // settings, in one transaction (the caller has already stored the key
  // file). Every client config made before names the old public key and
  // stops working: each device must be reissued.
  Settings rotate_key(const gateway::SecretKey& next_private_key);

 private:
  std::size_t revoke_devices(const std::vector<Device>& devices);

  Member member_or_throw(const std::string& label);
  Device device_or_throw(const Member& member, const std::string& label);
  bool should_be_active(const Device& device) const;
  gateway::NodePeer peer_of(const Device& device, const std::string& member_label,
                            const DeviceAccess& access,
                            const std::optional<std::vector<std::string>>& hosts);
  gateway::NodePeer peer_of(const Device& device, const std::string& member_label,
                            const DeviceAccess& access);
  gateway::NodePeer peer_of(const Device& device, const std::string& member_label);
  std::uint32_t group_id(const std::string& group);
  // `hosts`: the gateway hosts the device is assigned to (unset: all); a
  // controller's config is made for each of them.
  ClientParameters client_parameters(const Device& device, const std::string& member_label,
                                     const std::optional<std::vector<std::string>>& hosts) const;
  // Sorted; throws ConflictError on a single box, std::invalid_argument
  // for a name that is no enrolled gateway's or given twice.
  std::vector<std::string> validate_assignment(std::vector<std::string> names) const;
  void track_expiry(const Device& device);
  void untrack_expiry(const Device& device);
  gateway::LinkSettings link_settings() const;
  // Throws ConflictError on a controller with no gateway host to hand a
  // config for: a device added then could reach nothing.
  void check_somewhere_to_dial() const;
  // Sends `change` inside the open transaction `tx` and commits only when
  // the gateway took it: a refusal leaves both as they were.
  void apply_then_commit(Store::Transaction& tx, const gateway::GatewayChange& change,
                         std::string_view what = "the change");
  void require_up() const;

  Store& store_;
  GatewayLink& link_;
  gateway::SecretKey private_key_;
  Clock clock_;
  HostPrefixes host_prefixes_;
  Settings settings_;
  AddressPool pool_;
  // Active devices with an expiry, by time: the expiry timer's work list.
  std::multimap<std::int64_t, std::int64_t> expiries_;  // expires_at -> device id
  // Firewall group ids: the gateway knows numbers, never group names.
  std::map<std::string, std::uint32_t> group_ids_;
  std::optional<gateway::DnsConfig> dns_config_;
  bool down_ = false;
};

}  // namespace picket::controller
