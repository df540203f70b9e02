#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "picket/controller/render.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller::cli {

struct ClientOutput {
  std::string conf_file;  // write the .conf here (0600) when set
  std::string svg_file;   // write the QR code as SVG here (0600) when set
  bool show_qr = true;
  bool json_output = false;
};

// The client config a device answer of the API describes, with the private
// key that only the caller holds (the server never sees it).
ClientConfig config_from(const nlohmann::json& answer, const gateway::SecretKey& private_key);

// Prints what the admin hands to the member after `device add` or
// `reissue`: the QR code and the gateway key's fingerprint. The private key
// exists only in this process and in what it prints or writes.
void print_client(const nlohmann::json& answer,
                  const std::optional<gateway::SecretKey>& private_key, const ClientOutput& output);

}  // namespace picket::controller::cli
