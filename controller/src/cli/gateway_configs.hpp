#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/client_output.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller::cli {

// One config to hand out: on a controller, one per gateway host (they
// differ only in Endpoint and the gateway's PublicKey); on a single box,
// the one config, with no gateway name.
struct IssuedConfig {
  std::string gateway;    // empty on a single box
  nlohmann::json answer;  // the device answer, `client` as for this gateway
  std::string text;
};

// From a device answer of the API (client.gateways, api/json_codec.cpp)
// and the private key only the caller holds.
std::vector<IssuedConfig> issued_configs(const nlohmann::json& answer,
                                         const gateway::SecretKey& private_key, bool with_dns);

// Where the config for `gateway` goes when the admin named `path`: the
// gateway's name before the extension ("alice.conf" -> "alice-gw-a.conf"),
// so each file, and the tunnel the app names after it, says its gateway.
// `path` itself on a single box.
std::string file_for(const std::string& path, const std::string& gateway);
ClientOutput output_for(const ClientOutput& output, const std::string& gateway);

// Whether the terminal shows the QR codes: plan_terminal_qr for each.
bool plan_terminal_qrs(const ClientOutput& output, const std::vector<IssuedConfig>& configs,
                       int columns);

// What standard output gets: each config's QR code under a line naming its
// gateway, or the JSON answer with "config" (a single box) or "configs"
// ([{gateway, endpoint, fingerprint, config}]).
std::string configs_text(const nlohmann::json& answer, const std::vector<IssuedConfig>& configs,
                         const ClientOutput& output, bool terminal_qr, int columns);

// The lines after them: where the files went and each gateway key's
// fingerprint.
std::string configs_handover_text(const nlohmann::json& answer,
                                  const std::vector<IssuedConfig>& configs,
                                  const ClientOutput& output, bool terminal_qr,
                                  const std::string& headline);

}  // namespace picket::controller::cli
