#include "api/json_codec.hpp"

#include "picket/controller/render.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

json addresses(const std::vector<gateway::IpAddress>& ips) {
  json out = json::array();
  for (const auto& ip : ips) out.push_back(ip.str());
  return out;
}

json prefixes(const std::vector<gateway::Cidr>& cidrs) {
  json out = json::array();
  for (const auto& cidr : cidrs) out.push_back(cidr.str());
  return out;
}

json device_fields(const Device& device, const std::string& member_label) {
  json out = {
      {"id", device.id},
      {"member", member_label},
      {"label", device.label},
      {"public_key", device.public_key.base64()},
      {"ipv4", device.ipv4.str()},
      {"ipv6", device.ipv6.str()},
      {"allowed_ips", prefixes(device.client_allowed_ips)},
      {"keepalive", device.keepalive},
      {"mtu", device.mtu},
      {"enabled", device.enabled},
      {"expires_at", device.expires_at ? json(*device.expires_at) : json(nullptr)},
      {"created_at", device.created_at},
  };
  return out;
}

}  // namespace

json to_json(const Member& member) {
  return {{"id", member.id},
          {"label", member.label},
          {"note", member.note},
          {"created_at", member.created_at}};
}

json to_json(const GatewayEndpoint& gateway) {
  return {{"name", gateway.name},
          {"endpoint", gateway.endpoint},
          {"public_key", gateway.public_key.base64()},
          {"fingerprint", key_fingerprint(gateway.public_key)}};
}

namespace {

json gateway_list(const std::vector<GatewayEndpoint>& gateways) {
  json out = json::array();
  for (const auto& gateway : gateways) out.push_back(to_json(gateway));
  return out;
}

}  // namespace

json to_json(const Settings& settings, const std::vector<gateway::IpAddress>& dns,
             const std::vector<GatewayEndpoint>& gateways) {
  return {
      {"interface_name", settings.interface_name},
      {"listen_port", settings.listen_port},
      {"endpoint", settings.endpoint},
      {"ipv4_subnet", settings.ipv4_subnet.str()},
      {"ipv6_subnet", settings.ipv6_subnet.str()},
      {"dns", addresses(dns)},
      {"mtu", settings.mtu},
      {"public_key", settings.public_key.base64()},
      {"fingerprint", key_fingerprint(settings.public_key)},
      {"gateways", gateway_list(gateways)},
  };
}

json to_json(const DeviceStatus& status) {
  json out = device_fields(status.device, status.member_label);
  out["active"] = status.active;
  out["last_handshake"] = status.stats.last_handshake_unix;
  out["rx_bytes"] = status.stats.rx_bytes;
  out["tx_bytes"] = status.stats.tx_bytes;
  // A controller's: which gateway hosts the device is talking to.
  if (!status.gateways.empty()) {
    auto& gateways = out["gateways"] = json::array();
    for (const auto& live : status.gateways)
      gateways.push_back({{"name", live.gateway},
                          {"last_handshake", live.last_handshake_unix},
                          {"rx_bytes", live.rx_bytes},
                          {"tx_bytes", live.tx_bytes}});
  }
  return out;
}

json to_json(const ClientParameters& params) {
  json out = device_fields(params.device, params.member_label);
  out["client"] = {
      {"gateway_public_key", params.settings.public_key.base64()},
      {"gateway_fingerprint", params.fingerprint},
      {"endpoint", params.settings.endpoint},
      {"preshared_key", params.device.preshared_key.base64()},
      {"addresses",
       json::array({params.device.ipv4.str() + "/32", params.device.ipv6.str() + "/128"})},
      {"dns", addresses(params.dns)},
      // What the config's AllowedIPs line says: the DNS servers are routed too.
      {"allowed_ips", prefixes(client_routes(params.device.client_allowed_ips, params.dns))},
      {"keepalive", params.device.keepalive},
      {"mtu", params.device.mtu},
      // On a controller: one config per gateway host, each with its own
      // endpoint and key instead of the two above.
      {"gateways", gateway_list(params.gateways)},
  };
  return out;
}

}  // namespace picket::controller::api
