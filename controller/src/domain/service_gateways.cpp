// Service operations on which gateway hosts serve a device (a controller's
// fleet; a single box has one interface and no such choice).
#include <algorithm>
#include <stdexcept>

#include "domain/gateway_link.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/service.hpp"
#include "store/device_gateways.hpp"

namespace picket::controller {

namespace {

const char* const kSingleBox =
    "this picketd serves members itself (a single box), so every device is on its one "
    "interface; assigning devices to gateway hosts needs a controller (`picketd --role "
    "controller`)";

}  // namespace

std::vector<std::string> Service::validate_assignment(std::vector<std::string> names) const {
  const auto enrolled = link_.client_endpoints();
  if (!enrolled) throw ConflictError(kSingleBox);
  std::sort(names.begin(), names.end());
  if (const auto twice = std::adjacent_find(names.begin(), names.end()); twice != names.end())
    throw std::invalid_argument("gateway " + *twice +
                                " is named twice in assigned_gateways; name each once");
  for (const auto& name : names) {
    const bool known =
        std::any_of(enrolled->begin(), enrolled->end(),
                    [&](const GatewayEndpoint& gateway) { return gateway.name == name; });
    // The name is echoed only once it is known to be an enrolled one's.
    if (!known)
      throw std::invalid_argument(
          "assigned_gateways names a gateway that is not enrolled; `picket gateway list` shows "
          "the enrolled ones");
  }
  return names;
}

std::optional<std::vector<std::string>> Service::assigned_gateways(const std::string& member_label,
                                                                   const std::string& label) {
  if (!link_.client_endpoints()) throw ConflictError(kSingleBox);
  const auto member = member_or_throw(member_label);
  return device_gateways::load(store_, device_or_throw(member, label).id);
}

std::optional<std::vector<std::string>> Service::set_assigned_gateways(
    const std::string& member_label, const std::string& label,
    const std::optional<std::vector<std::string>>& gateways) {
  std::optional<std::vector<std::string>> next;
  if (gateways) {
    next = validate_assignment(*gateways);
  } else if (!link_.client_endpoints()) {
    throw ConflictError(kSingleBox);
  }
  const auto member = member_or_throw(member_label);
  const auto device = device_or_throw(member, label);
  Store::Transaction tx(store_);
  device_gateways::save(store_, device.id, next);
  gateway::GatewayChange change;
  // A gateway the device leaves removes its peer at once; one it joins
  // adds it (GatewayFleet sends each gateway its part of the put).
  if (should_be_active(device)) change.put = {peer_of(device, member.label)};
  apply_then_commit(tx, change, "the gateway assignment");
  return next;
}

}  // namespace picket::controller
