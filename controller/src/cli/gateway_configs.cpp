#include "cli/gateway_configs.hpp"

#include <filesystem>

namespace picket::controller::cli {

using nlohmann::json;

std::vector<IssuedConfig> issued_configs(const json& answer, const gateway::SecretKey& private_key,
                                         bool with_dns) {
  std::vector<IssuedConfig> out;
  const auto& client = answer.at("client");
  const auto gateways = client.value("gateways", json::array());
  if (gateways.empty()) {
    out.push_back({"", answer, render_client_config(config_from(answer, private_key, with_dns))});
    return out;
  }
  for (const auto& gateway : gateways) {
    json one = answer;
    auto& one_client = one.at("client");
    one_client["endpoint"] = gateway.at("endpoint");
    one_client["gateway_public_key"] = gateway.at("public_key");
    one_client["gateway_fingerprint"] = gateway.at("fingerprint");
    one_client.erase("gateways");
    auto text = render_client_config(config_from(one, private_key, with_dns));
    out.push_back({gateway.at("name").get<std::string>(), std::move(one), std::move(text)});
  }
  return out;
}

std::string file_for(const std::string& path, const std::string& gateway) {
  if (path.empty() || gateway.empty()) return path;
  const std::filesystem::path target(path);
  auto name = target.stem().string() + "-" + gateway + target.extension().string();
  return (target.parent_path() / name).string();
}

ClientOutput output_for(const ClientOutput& output, const std::string& gateway) {
  auto out = output;
  out.conf_file = file_for(output.conf_file, gateway);
  out.svg_file = file_for(output.svg_file, gateway);
  return out;
}

bool plan_terminal_qrs(const ClientOutput& output, const std::vector<IssuedConfig>& configs,
                       int columns) {
  bool terminal = true;
  for (const auto& config : configs)
    terminal = plan_terminal_qr(output, config.text, columns) && terminal;
  return terminal;
}

std::string configs_text(const json& answer, const std::vector<IssuedConfig>& configs,
                         const ClientOutput& output, bool terminal, int columns) {
  if (configs.size() == 1 && configs.front().gateway.empty())
    return config_text(answer, configs.front().text, output, terminal, columns);
  if (output.json_output) {
    json out = answer;
    auto& list = out["configs"] = json::array();
    for (const auto& config : configs)
      list.push_back({{"gateway", config.gateway},
                      {"endpoint", config.answer.at("client").at("endpoint")},
                      {"fingerprint", config.answer.at("client").at("gateway_fingerprint")},
                      {"config", config.text}});
    return out.dump(2) + "\n";
  }
  if (!terminal) return {};
  std::string text;
  for (const auto& config : configs)
    text += "Gateway " + config.gateway + " (" +
            config.answer.at("client").at("endpoint").get<std::string>() + "):\n" +
            config_text(config.answer, config.text, output, true, columns);
  return text;
}

std::string configs_handover_text(const json& answer, const std::vector<IssuedConfig>& configs,
                                  const ClientOutput& output, bool terminal,
                                  const std::string& headline) {
  if (configs.size() == 1 && configs.front().gateway.empty())
    return handover_text(answer, output, terminal, headline);
  if (output.json_output) return {};
  if (!output.show_qr && !output.has_file())
    return handover_text(answer, output, terminal, headline);
  std::string text = headline;
  text += terminal ? ": the member scans the code of each gateway they will use into the "
                     "WireGuard app (one tunnel each; if one gateway is blocked, they switch "
                     "to another).\n"
                   : ": its configs are in the files below, one per gateway.\n";
  text += "They hold the device's private key: shown once and stored nowhere.\n";
  if (!terminal && output.show_qr)
    text += "Their QR codes are too wide for this terminal; show the SVG files instead.\n";
  for (const auto& config : configs) {
    const auto files = output_for(output, config.gateway);
    text += "Gateway " + config.gateway + ": key fingerprint (check it in person) " +
            config.answer.at("client").at("gateway_fingerprint").get<std::string>() + "\n";
    if (!files.conf_file.empty())
      text += "  config written to " + files.conf_file + " (mode 0600)\n";
    if (!files.svg_file.empty())
      text += "  QR code written to " + files.svg_file + " (mode 0600)\n";
  }
  return text;
}

}  // namespace picket::controller::cli
