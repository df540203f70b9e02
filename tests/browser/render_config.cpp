// Test helper: renders a client config with picket's C++ renderer, so the
// web UI's TypeScript renderer can be compared with it byte for byte
// (web-admin/test/client_config.test.ts).
//   render_config config   stdin: {"answer": <API device answer>, "private_key": "..."}
//   render_config pubkey   stdin: a base64 private key; prints its public key
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "picket/controller/render.hpp"
#include "picket/gateway/key.hpp"

using nlohmann::json;
using namespace picket;

namespace {

// The same mapping as the CLI's (controller/src/cli/client_output.cpp).
controller::ClientConfig config_from(const json& answer, const gateway::SecretKey& private_key) {
  const auto& client = answer.at("client");
  controller::ClientConfig config;
  config.private_key = private_key;
  config.ipv4 = gateway::IpAddress::parse(answer.at("ipv4").get<std::string>());
  config.ipv6 = gateway::IpAddress::parse(answer.at("ipv6").get<std::string>());
  for (const auto& dns : client.at("dns"))
    config.dns.push_back(gateway::IpAddress::parse(dns.get<std::string>()));
  config.mtu = client.at("mtu").get<std::uint16_t>();
  config.server_public_key =
      gateway::Key::from_base64(client.at("gateway_public_key").get<std::string>());
  config.preshared_key =
      gateway::SecretKey::from_base64(client.at("preshared_key").get<std::string>());
  config.endpoint = client.at("endpoint").get<std::string>();
  for (const auto& cidr : client.at("allowed_ips"))
    config.allowed_ips.push_back(gateway::Cidr::parse(cidr.get<std::string>()));
  config.keepalive = client.at("keepalive").get<std::uint16_t>();
  return config;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::string input(std::istreambuf_iterator<char>(std::cin), {});
  if (mode == "config") {
    const auto request = json::parse(input);
    const auto key = gateway::SecretKey::from_base64(request.at("private_key").get<std::string>());
    std::cout << controller::render_client_config(config_from(request.at("answer"), key));
    return 0;
  }
  if (mode == "pubkey") {
    std::string text = input.substr(0, input.find_first_of("\r\n"));
    std::cout << gateway::public_key_of(gateway::SecretKey::from_base64(text)).base64() << "\n";
    return 0;
  }
  std::cerr << "usage: render_config config|pubkey < input\n";
  return 2;
} catch (const std::exception& e) {
  std::cerr << "render_config: " << e.what() << "\n";
  return 1;
}
