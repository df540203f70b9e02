#pragma once

#include <string>
#include <string_view>

#include "picket/controller/model.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::controller {

// Validation of names an admin types. Each throws std::invalid_argument with
// a message that says what is wrong and what is allowed; none echoes
// control characters back.

// Member and device labels: 1–32 characters of a–z, 0–9 and '-', not
// starting or ending with '-'; stored lowercase (they become DNS labels).
std::string normalize_label(std::string_view what, std::string_view label);
// Free text notes: up to 256 bytes of valid UTF-8 without control characters.
std::string validate_note(std::string_view note);
// host:port, host a DNS name, IPv4 or [IPv6]; port 1–65535. Loopback and
// unspecified addresses and localhost are refused: no phone can dial them.
std::string validate_endpoint(std::string_view endpoint);
// A tunnel IPv6 subnet must be unique local (fc00::/7).
void check_ula_subnet(const gateway::Cidr& subnet);
// Normalises a device's access (destinations to their network form, group
// to a label); at most kMaxRestrictedCidrs destinations.
DeviceAccess validate_access(const DeviceAccess& access);

}  // namespace picket::controller
