#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/http_server.hpp"
#include "picket/controller/model.hpp"

namespace picket::controller::api {

struct AdminListenOptions {
  std::uint16_t port = 8080;  // 0: no HTTP listeners at all
  // Extra addresses beyond localhost and the tunnel address; each needs TLS.
  std::vector<std::string> extra_addresses;
  std::string tls_cert;
  std::string tls_key;
  // Tests only (picketd --session-idle-timeout, hidden): a shorter idle limit.
  std::int64_t session_idle_timeout = 30 * 60;
};

// The listeners the admin API gets: plain HTTP on 127.0.0.1 (with
// /metrics) and on the gateway's tunnel IPv4 address, HTTPS on any extra
// address. Throws std::invalid_argument with a clear message when an extra
// address has no certificate and key, or a half-given TLS pair.
std::vector<Listener> admin_listeners(const AdminListenOptions& options, const Settings& settings);

// The gateway's own tunnel IPv4 address (the first host of the subnet).
std::string tunnel_ipv4(const Settings& settings);

}  // namespace picket::controller::api
