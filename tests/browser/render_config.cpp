// Test helper: renders a client config with picket's C++ renderer, so the
// web UI's TypeScript renderer can be compared with it byte for byte
// (web-admin/test/client_config.test.ts), through the CLI's own mapping
// of the API answer.
//   render_config config   stdin: {"answer": <API device answer>, "private_key": "..."}
//   render_config pubkey   stdin: a base64 private key; prints its public key
//   render_config limits   prints {"max_split_entries": ..., "qr_max_bytes": ...}
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/client_output.hpp"
#include "picket/controller/render.hpp"
#include "picket/gateway/key.hpp"

using nlohmann::json;
using namespace picket;

int main(int argc, char** argv) try {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::string input(std::istreambuf_iterator<char>(std::cin), {});
  if (mode == "config") {
    const auto request = json::parse(input);
    const auto key = gateway::SecretKey::from_base64(request.at("private_key").get<std::string>());
    std::cout << controller::render_client_config(
        controller::cli::config_from(request.at("answer"), key));
    return 0;
  }
  if (mode == "limits") {
    std::cout << json{{"max_split_entries", controller::kMaxSplitEntries},
                      {"qr_max_bytes", controller::kQrMaxBytes}}
                     .dump()
              << "\n";
    return 0;
  }
  if (mode == "pubkey") {
    std::string text = input.substr(0, input.find_first_of("\r\n"));
    std::cout << gateway::public_key_of(gateway::SecretKey::from_base64(text)).base64() << "\n";
    return 0;
  }
  std::cerr << "usage: render_config config|pubkey|limits < input\n";
  return 2;
} catch (const std::exception& e) {
  std::cerr << "render_config: " << e.what() << "\n";
  return 1;
}
