// Service operations on what devices may reach: per-device access (a
// restriction, a group) and the gateway-wide member isolation switch.
#include "domain/gateway_link.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "picket/controller/validate.hpp"
#include "store/device_access.hpp"

namespace picket::controller {

namespace {

// With the firewall off, its routes do not exist (the web admin says so).
void require_firewall(bool on) {
  if (!on) throw NotFoundError("unknown API path");
}

}  // namespace

bool Service::firewall_on() const {
  return link_.has_firewall();
}

DeviceAccess Service::access(const std::string& member_label, const std::string& label) {
  require_firewall(firewall_on());
  const auto member = member_or_throw(member_label);
  return device_access::load(store_, device_or_throw(member, label).id);
}

DeviceAccess Service::set_access(const std::string& member_label, const std::string& label,
                                 const DeviceAccess& access) {
  require_firewall(firewall_on());
  const auto next = validate_access(access);
  const auto member = member_or_throw(member_label);
  const auto device = device_or_throw(member, label);
  Store::Transaction tx(store_);
  device_access::save(store_, device.id, next);
  gateway::GatewayChange change;
  // The firewall entry and who sees the device's name follow at once.
  if (should_be_active(device)) change.put = {peer_of(device, member.label, next)};
  apply_then_commit(tx, change, "the access change");
  return next;
}

bool Service::member_to_member() {
  require_firewall(firewall_on());
  return device_access::member_to_member(store_);
}

void Service::set_member_to_member(bool allowed) {
  if (allowed == member_to_member()) return;
  Store::Transaction tx(store_);
  device_access::save_member_to_member(store_, allowed);
  gateway::GatewayChange change;
  change.member_to_member = allowed;
  apply_then_commit(tx, change, "the isolation change");
}

}  // namespace picket::controller
