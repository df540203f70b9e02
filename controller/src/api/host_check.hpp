#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace picket::controller::api {

// The host part of a Host header (or of an endpoint "name:port"): the port
// dropped, IPv6 brackets removed, lower-cased, one trailing dot dropped.
// nullopt when it is not a well-formed host[:port].
std::optional<std::string> host_of(std::string_view header);

// Whether a request's Host header names this server: one of `names` (in
// the form host_of gives). A browser sends the name it resolved, so a
// rebinding name (evil.example resolving to 127.0.0.1) never matches:
// nothing on the API, the UI or /metrics answers it (421).
bool host_allowed(std::string_view header, const std::vector<std::string>& names);

}  // namespace picket::controller::api
