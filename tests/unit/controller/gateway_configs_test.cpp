// The CLI's configs on a controller: one per gateway host, differing only in
// Endpoint and PublicKey, each written to a file named after its gateway.
#include "cli/gateway_configs.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "picket/controller/render.hpp"

using namespace picket::controller;
using namespace picket::controller::cli;
namespace gw = picket::gateway;
using nlohmann::json;

namespace {

json device_answer(const json& gateways) {
  return {{"member", "alice"},
          {"label", "phone"},
          {"ipv4", "10.77.0.2"},
          {"ipv6", "fd77:77::2"},
          {"allowed_ips", json::array({"0.0.0.0/0", "::/0"})},
          {"client",
           {{"gateway_public_key", gw::public_key_of(gw::generate_private_key()).base64()},
            {"gateway_fingerprint", "aaaa bbbb cccc dddd eeee"},
            {"endpoint", "controller.example.org:51820"},
            {"preshared_key", gw::generate_preshared_key().base64()},
            {"addresses", json::array({"10.77.0.2/32", "fd77:77::2/128"})},
            {"dns", json::array({"10.77.0.1"})},
            {"allowed_ips", json::array({"0.0.0.0/0", "::/0"})},
            {"keepalive", 25},
            {"mtu", 0},
            {"gateways", gateways}}}};
}

json gateway_entry(const std::string& name, const std::string& endpoint, const gw::Key& key) {
  return {{"name", name},
          {"endpoint", endpoint},
          {"public_key", key.base64()},
          {"fingerprint", key_fingerprint(key)}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("gateway configs: a single box hands out its one config", "[cli]") {
  const auto answer = device_answer(json::array());
  const auto key = gw::generate_private_key();
  const auto configs = issued_configs(answer, key, true);
  REQUIRE(configs.size() == 1);
  CHECK(configs[0].gateway.empty());
  CHECK(configs[0].text == render_client_config(config_from(answer, key, true)));
  CHECK(configs[0].text.find("Endpoint = controller.example.org:51820\n") != std::string::npos);
}

TEST_CASE("gateway configs: one per gateway differing in Endpoint and PublicKey only", "[cli]") {
  const auto key_a = gw::public_key_of(gw::generate_private_key());
  const auto key_b = gw::public_key_of(gw::generate_private_key());
  const auto answer =
      device_answer(json::array({gateway_entry("gw-a", "a.example.org:51820", key_a),
                                 gateway_entry("gw-b", "[2001:db8::7]:443", key_b)}));
  const auto configs = issued_configs(answer, gw::generate_private_key(), true);
  REQUIRE(configs.size() == 2);
  CHECK(configs[0].gateway == "gw-a");
  CHECK(configs[1].gateway == "gw-b");
  CHECK(configs[0].text.find("Endpoint = a.example.org:51820\n") != std::string::npos);
  CHECK(configs[0].text.find("PublicKey = " + key_a.base64() + "\n") != std::string::npos);
  CHECK(configs[1].text.find("Endpoint = [2001:db8::7]:443\n") != std::string::npos);
  CHECK(configs[1].text.find("PublicKey = " + key_b.base64() + "\n") != std::string::npos);
  // The controller's own endpoint and key are in neither.
  for (const auto& config : configs)
    CHECK(config.text.find("controller.example.org") == std::string::npos);
  const auto a = lines_of(configs[0].text);
  const auto b = lines_of(configs[1].text);
  REQUIRE(a.size() == b.size());
  std::vector<std::string> differing;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) differing.push_back(a[i].substr(0, a[i].find(' ')));
  CHECK(differing == std::vector<std::string>{"PublicKey", "Endpoint"});
  CHECK(configs[0].answer.at("client").at("gateway_fingerprint") == key_fingerprint(key_a));

  // --json: every config with its gateway, not one "config".
  ClientOutput output;
  output.json_output = true;
  const auto printed = json::parse(configs_text(answer, configs, output, false, 80));
  CHECK_FALSE(printed.contains("config"));
  REQUIRE(printed.at("configs").size() == 2);
  CHECK(printed.at("configs")[1].at("gateway") == "gw-b");
  CHECK(printed.at("configs")[1].at("config") == configs[1].text);
}

TEST_CASE("gateway configs: files are named after their gateway", "[cli]") {
  CHECK(file_for("alice.conf", "gw-a") == "alice-gw-a.conf");
  CHECK(file_for("/tmp/out/alice.svg", "gw-b") == "/tmp/out/alice-gw-b.svg");
  CHECK(file_for("alice", "gw-a") == "alice-gw-a");
  CHECK(file_for("alice.conf", "") == "alice.conf");
  CHECK(file_for("", "gw-a").empty());
  ClientOutput output;
  output.conf_file = "x.conf";
  output.svg_file = "x.svg";
  const auto for_a = output_for(output, "gw-a");
  CHECK(for_a.conf_file == "x-gw-a.conf");
  CHECK(for_a.svg_file == "x-gw-a.svg");
}
