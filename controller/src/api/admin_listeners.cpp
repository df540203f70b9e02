#include "api/admin_listeners.hpp"

#include <stdexcept>

#include "picket/gateway/ip.hpp"

namespace picket::controller::api {

namespace ip = boost::asio::ip;

std::string tunnel_ipv4(const Settings& settings) {
  return gateway::nth_address(settings.ipv4_subnet, 1).str();
}

std::vector<Listener> admin_listeners(const AdminListenOptions& options, const Settings& settings) {
  if (options.tls_cert.empty() != options.tls_key.empty())
    throw std::invalid_argument("--tls-cert and --tls-key go together: give both or neither");
  std::vector<Listener> out;
  if (options.port == 0) {
    if (!options.extra_addresses.empty())
      throw std::invalid_argument("--api-listen needs an --api-port other than 0");
    return out;
  }
  const auto loopback = ip::make_address("127.0.0.1");
  const auto tunnel = ip::make_address(tunnel_ipv4(settings));
  out.push_back({loopback, options.port, false, true});
  out.push_back({tunnel, options.port, false, false});
  for (const auto& text : options.extra_addresses) {
    boost::system::error_code ec;
    const auto address = ip::make_address(text, ec);
    if (ec) throw std::invalid_argument("--api-listen " + text + " is not an IP address");
    if (address == loopback || address == tunnel) continue;  // already served
    if (options.tls_cert.empty()) {
      throw std::invalid_argument(
          "refusing to serve the admin API on " + text +
          " without TLS: outside localhost and the tunnel it is HTTPS only; give --tls-cert "
          "and --tls-key (PEM files), or reach the API over the VPN instead");
    }
    out.push_back({address, options.port, true, false});
  }
  return out;
}

}  // namespace picket::controller::api
