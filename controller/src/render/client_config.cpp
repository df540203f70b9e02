#include <sodium.h>

#include <algorithm>
#include <string>

#include "picket/controller/render.hpp"

namespace picket::controller {

namespace {

// Single addresses are written with an explicit /32 or /128: some apps
// reject a bare address in Address.
std::string host_prefix(const gateway::IpAddress& address) {
  return address.str() + "/" + std::to_string(address.max_prefix());
}

template <typename T, typename Format>
std::string join(const std::vector<T>& items, Format format) {
  std::string text;
  for (const T& item : items) {
    if (!text.empty()) text += ", ";
    text += format(item);
  }
  return text;
}

void line(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += " = ";
  out += value;
  out += '\n';
}

// The base64 temporary of a secret is wiped rather than left in freed heap.
void secret_line(std::string& out, std::string_view key, const gateway::SecretKey& secret) {
  std::string text = secret.base64();
  line(out, key, text);
  sodium_memzero(text.data(), text.size());
}

}  // namespace

std::vector<gateway::Cidr> client_routes(const std::vector<gateway::Cidr>& allowed_ips,
                                         const std::vector<gateway::IpAddress>& dns) {
  std::vector<gateway::Cidr> routes;
  const auto add = [&routes](const gateway::Cidr& cidr) {
    if (std::find(routes.begin(), routes.end(), cidr) == routes.end()) routes.push_back(cidr);
  };
  for (const auto& cidr : allowed_ips) add(cidr);
  for (const auto& server : dns) {
    const bool covered = std::any_of(allowed_ips.begin(), allowed_ips.end(),
                                     [&](const gateway::Cidr& c) { return c.contains(server); });
    if (!covered) add(gateway::Cidr{server, server.max_prefix()});
  }
  return routes;
}

std::string render_client_config(const ClientConfig& config) {
  std::string out;
  // One allocation up front: growing would leave copies of the private key in
  // freed heap blocks.
  out.reserve(512 + config.allowed_ips.size() * 48 + config.dns.size() * 96 +
              config.endpoint.size());

  out += "[Interface]\n";
  secret_line(out, "PrivateKey", config.private_key);
  line(out, "Address", host_prefix(config.ipv4) + ", " + host_prefix(config.ipv6));
  if (!config.dns.empty()) {
    line(out, "DNS", join(config.dns, [](const gateway::IpAddress& ip) { return ip.str(); }));
  }
  if (config.mtu != 0) line(out, "MTU", std::to_string(config.mtu));

  out += "\n[Peer]\n";
  line(out, "PublicKey", config.server_public_key.base64());
  // An all-zero PSK is WireGuard's "none"; writing it out would only
  // suggest protection that is not there.
  if (!config.preshared_key.is_zero()) secret_line(out, "PresharedKey", config.preshared_key);
  line(out, "Endpoint", config.endpoint);
  const auto routes = client_routes(config.allowed_ips, config.dns);
  if (!routes.empty()) {
    line(out, "AllowedIPs", join(routes, [](const gateway::Cidr& c) { return c.str(); }));
  }
  if (config.keepalive != 0) line(out, "PersistentKeepalive", std::to_string(config.keepalive));
  return out;
}

}  // namespace picket::controller
