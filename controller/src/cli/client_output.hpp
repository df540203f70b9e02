#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "picket/controller/render.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller::cli {

struct ClientOutput {
  std::string conf_file;  // write the .conf here (0600) when set
  std::string svg_file;   // write the QR code as SVG here (0600) when set
  bool show_qr = true;
  bool json_output = false;
  bool dns = true;  // false: no DNS line, and so no routes for the DNS servers
  bool has_file() const { return !conf_file.empty() || !svg_file.empty(); }
};

// Columns the terminal QR code may take: the terminal's width when standard
// output is one, else 80.
int terminal_columns();

// The client config a device answer of the API describes, with the private
// key that only the caller holds (the server never sees it).
ClientConfig config_from(const nlohmann::json& answer, const gateway::SecretKey& private_key,
                         bool with_dns = true);

// A device answer as picketd will give it, made before asking, so that the
// output can be checked (and, for reissue, handed out) before anything
// changes. For add: from the settings and the request, with the longest
// addresses the subnets hold and a stand-in preshared key (a QR code's size
// depends only on the config's length, and these are the longest it can
// be). For reissue: from the device and the settings, exact.
nlohmann::json answer_for_add(const nlohmann::json& settings, const nlohmann::json& request);
nlohmann::json answer_for_reissue(const nlohmann::json& device, const nlohmann::json& settings,
                                  const std::string& preshared_key);
// The settings with only the gateway hosts named in `assigned` (a device's
// assigned_gateways; null keeps every one), so that the configs made from
// them are the device's.
nlohmann::json with_assigned_gateways(nlohmann::json settings, const nlohmann::json& assigned);

// Whether the terminal shows the QR code. Throws CliError, before any
// change, when the config (`sample`, as long as the real one can get) could
// not be handed out: its QR code fits neither the terminal nor a QR code at
// all.
bool plan_terminal_qr(const ClientOutput& output, const std::string& sample, int columns);

// What standard output gets for a config: the QR code (when `terminal_qr`)
// or the JSON answer with the config.
std::string config_text(const nlohmann::json& answer, const std::string& config,
                        const ClientOutput& output, bool terminal_qr, int columns);
// The lines after it: where the files went, the gateway key fingerprint.
std::string handover_text(const nlohmann::json& answer, const ClientOutput& output,
                          bool terminal_qr, const std::string& headline);
// `device add --pubkey`: no config to show, what the member's own needs.
std::string public_key_text(const nlohmann::json& answer);

// Writes and flushes standard output. Throws CliError when it fails (a full
// disk, a closed pipe): the caller then undoes what the output was for.
void write_stdout(const std::string& text);

}  // namespace picket::controller::cli
