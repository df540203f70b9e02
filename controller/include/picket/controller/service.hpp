#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/address_pool.hpp"
#include "picket/controller/device_listener.hpp"
#include "picket/controller/model.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/backend.hpp"
#include "picket/gateway/reconciler.hpp"

namespace picket::controller {

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
};

// What a client needs to render its config, minus its private key.
struct ClientParameters {
  Device device;
  std::string member_label;
  Settings settings;
  std::vector<gateway::IpAddress> dns;  // effective
  std::string fingerprint;
  bool member_created = false;  // add_device created the member (NewDevice::new_member_note)
};

struct DeviceStatus {
  Device device;
  std::string member_label;
  bool active = false;       // the peer is on the interface
  gateway::PeerStats stats;  // read live, never stored
};

struct ReconcileReport {
  gateway::ReconcileResult result;
  std::size_t desired_peers = 0;
};

// The domain: members, devices, settings, and keeping the WireGuard
// interface equal to what the database says. Every change is applied to the
// interface before the database transaction commits; when applying fails the
// transaction rolls back, so database and interface stay equal. Not
// thread-safe: the daemon calls it from one thread.
class Service {
 public:
  Service(Store& store, gateway::WireGuardBackend& backend, gateway::SecretKey gateway_private_key,
          Clock clock = system_clock_now, HostPrefixes host_prefixes = {});

  // Registers something that follows the active devices (firewall sets,
  // local DNS zone). Call before start(); `listener` must outlive the service.
  void add_listener(DeviceListener& listener) { listeners_.push_back(&listener); }

  // Creates or adopts the interface and brings its peers to exactly the
  // enabled, unexpired devices.
  ReconcileReport start();
  // Full read of the interface and repair of any drift.
  ReconcileReport reconcile();
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
  // Takes every peer off, removes the interface and from then on refuses
  // start() and reconcile(), so the drift timer cannot bring the interface
  // back while picketd stops. The panic wipe's network side, and the first
  // step of every stop: no peer may outlive the firewall table. Throws when
  // the peers or the interface could not be removed.
  void take_interface_down();
  void wipe_interface() { take_interface_down(); }
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
  gateway::PeerConfig peer_of(const Device& device) const;
  gateway::DesiredDevice desired();
  ClientParameters client_parameters(const Device& device, const std::string& member_label) const;
  void track_expiry(const Device& device);
  void untrack_expiry(const Device& device);
  gateway::LinkSettings link_settings() const;
  void notify_activated(const Device& device, const std::string& member_label);
  void notify_deactivated(const Device& device, const std::string& member_label);
  std::string member_label_of(const Device& device);

  Store& store_;
  gateway::WireGuardBackend& backend_;
  gateway::Reconciler reconciler_;
  gateway::SecretKey private_key_;
  Clock clock_;
  HostPrefixes host_prefixes_;
  Settings settings_;
  AddressPool pool_;
  // Active devices with an expiry, by time: the expiry timer's work list.
  std::multimap<std::int64_t, std::int64_t> expiries_;  // expires_at -> device id
  std::vector<DeviceListener*> listeners_;
  std::vector<ActiveDevice> active_at_last_plan_;
  bool listener_repair_needed_ = false;  // a deactivation failed; the next reconcile re-syncs
  bool wiped_ = false;
};

}  // namespace picket::controller
