#include "cli/client_output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/context.hpp"
#include "picket/controller/address_pool.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

// On a terminal, force black on white: on a light-on-dark terminal the code
// would otherwise come out inverted, which some scanners refuse.
std::string terminal_qr(const std::string& config, int columns) {
  const auto plain = render_qr_terminal(config, columns);
  if (!::isatty(STDOUT_FILENO)) return plain;
  std::string out;
  std::size_t start = 0;
  while (start < plain.size()) {
    const auto end = plain.find('\n', start);
    out += "\033[30;107m" + plain.substr(start, end - start) + "\033[0m\n";
    start = end + 1;
  }
  return out;
}

std::vector<gateway::Cidr> cidrs(const json& list) {
  std::vector<gateway::Cidr> out;
  for (const auto& text : list) out.push_back(gateway::Cidr::parse(text.get<std::string>()));
  return out;
}

std::vector<gateway::IpAddress> addresses(const json& list) {
  std::vector<gateway::IpAddress> out;
  for (const auto& text : list) out.push_back(gateway::IpAddress::parse(text.get<std::string>()));
  return out;
}

json texts(const std::vector<gateway::Cidr>& list) {
  json out = json::array();
  for (const auto& cidr : list) out.push_back(cidr.str());
  return out;
}

// The `client` object of an answer (api/json_codec.cpp), from the settings.
json client_object(const json& settings, const json& split, const std::string& ipv4,
                   const std::string& ipv6, const std::string& preshared_key, int keepalive,
                   int mtu) {
  return {
      {"gateway_public_key", settings.at("public_key")},
      {"gateway_fingerprint", settings.at("fingerprint")},
      {"endpoint", settings.at("endpoint")},
      {"preshared_key", preshared_key},
      {"addresses", json::array({ipv4 + "/32", ipv6 + "/128"})},
      {"dns", settings.at("dns")},
      {"allowed_ips", texts(client_routes(cidrs(split), addresses(settings.at("dns"))))},
      {"keepalive", keepalive},
      {"mtu", mtu},
      {"gateways", settings.value("gateways", json::array())},
  };
}

}  // namespace

int terminal_columns() {
  winsize size{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return kTerminalColumns;
}

ClientConfig config_from(const json& answer, const gateway::SecretKey& private_key, bool with_dns) {
  const auto& client = answer.at("client");
  ClientConfig config;
  config.private_key = private_key;
  config.ipv4 = gateway::IpAddress::parse(answer.at("ipv4").get<std::string>());
  config.ipv6 = gateway::IpAddress::parse(answer.at("ipv6").get<std::string>());
  if (with_dns) config.dns = addresses(client.at("dns"));
  config.mtu = client.at("mtu").get<std::uint16_t>();
  config.server_public_key =
      gateway::Key::from_base64(client.at("gateway_public_key").get<std::string>());
  config.preshared_key =
      gateway::SecretKey::from_base64(client.at("preshared_key").get<std::string>());
  config.endpoint = client.at("endpoint").get<std::string>();
  // Without DNS, the device's own list: client.allowed_ips also routes the
  // DNS servers, which a config without them has no use for.
  config.allowed_ips = cidrs(with_dns ? client.at("allowed_ips") : answer.at("allowed_ips"));
  config.keepalive = client.at("keepalive").get<std::uint16_t>();
  return config;
}

json answer_for_add(const json& settings, const json& request) {
  const AddressPool pool(gateway::Cidr::parse(settings.at("ipv4_subnet").get<std::string>()),
                         gateway::Cidr::parse(settings.at("ipv6_subnet").get<std::string>()));
  // The highest host index has the longest text in both families.
  const auto ipv4 = pool.ipv4_of(pool.capacity()).str();
  const auto ipv6 = pool.ipv6_of(pool.capacity()).str();
  const json split = request.contains("allowed_ips") ? request.at("allowed_ips")
                                                     : json::array({"0.0.0.0/0", "::/0"});
  return {
      {"member", ""},
      {"label", request.at("label")},
      {"ipv4", ipv4},
      {"ipv6", ipv6},
      {"allowed_ips", split},
      {"client",
       client_object(settings, split, ipv4, ipv6, gateway::generate_preshared_key().base64(),
                     request.value("keepalive", 25), request.value("mtu", 0))},
  };
}

json answer_for_reissue(const json& device, const json& settings,
                        const std::string& preshared_key) {
  json answer = device;
  // Live figures belong to the key that is going away.
  for (const char* live : {"active", "last_handshake", "rx_bytes", "tx_bytes"}) answer.erase(live);
  answer["client"] =
      client_object(settings, device.at("allowed_ips"), device.at("ipv4"), device.at("ipv6"),
                    preshared_key, device.at("keepalive"), device.at("mtu"));
  return answer;
}

json with_assigned_gateways(json settings, const json& assigned) {
  if (assigned.is_null() || !settings.contains("gateways")) return settings;
  json kept = json::array();
  for (const auto& gateway : settings.at("gateways"))
    if (std::find(assigned.begin(), assigned.end(), gateway.at("name")) != assigned.end())
      kept.push_back(gateway);
  settings["gateways"] = kept;
  return settings;
}

bool plan_terminal_qr(const ClientOutput& output, const std::string& sample, int columns) {
  int width = 0;
  try {
    if (!output.svg_file.empty()) (void)render_qr_svg(sample);
    width = qr_terminal_width(sample, columns);
  } catch (const std::runtime_error& e) {
    throw CliError(std::string(e.what()) + "; nothing was changed");
  }
  if (output.json_output || !output.show_qr) return false;
  if (width <= columns || output.has_file()) return width <= columns;
  throw CliError("this config's QR code is " + std::to_string(width) +
                 " columns wide and the terminal has " + std::to_string(columns) +
                 ", so it would wrap and no phone could read it: write it to a file with --svg "
                 "FILE (a QR code to show or print) or --conf FILE; nothing was changed");
}

std::string config_text(const json& answer, const std::string& config, const ClientOutput& output,
                        bool terminal, int columns) {
  if (output.json_output) {
    json out = answer;
    out["config"] = config;
    return out.dump(2) + "\n";
  }
  return terminal ? terminal_qr(config, columns) : std::string();
}

std::string handover_text(const json& answer, const ClientOutput& output, bool terminal,
                          const std::string& headline) {
  if (output.json_output) return {};
  if (!output.show_qr && !output.has_file()) {
    return headline +
           " has no config: with --no-qr and no --conf or --svg its private key was "
           "shown nowhere. Reissue it when the member needs one.\n";
  }
  std::string text = headline;
  text +=
      terminal ? ": scan this into the WireGuard app.\n" : ": its config is in the file below.\n";
  text += "It holds the device's private key: it is shown once and stored nowhere.\n";
  if (!terminal && output.show_qr)
    text += "Its QR code is too wide for this terminal; show the SVG file instead.\n";
  if (!output.conf_file.empty())
    text += "Config written to " + output.conf_file + " (mode 0600).\n";
  if (!output.svg_file.empty()) text += "QR code written to " + output.svg_file + " (mode 0600).\n";
  text += "Gateway key fingerprint (check it in person): " +
          answer.at("client").at("gateway_fingerprint").get<std::string>() + "\n";
  return text;
}

std::string public_key_text(const json& answer) {
  std::string text =
      "Device " + answer.at("member").get<std::string>() + "/" +
      answer.at("label").get<std::string>() + " uses the public key you supplied.\n" +
      "Its config needs your private key plus: address " + answer.at("ipv4").get<std::string>() +
      "/32, " + answer.at("ipv6").get<std::string>() + "/128; see --json for every field.\n";
  const auto gateways = answer.at("client").value("gateways", json::array());
  if (gateways.empty())
    return text + "Gateway key fingerprint (check it in person): " +
           answer.at("client").at("gateway_fingerprint").get<std::string>() + "\n";
  text += "One config per gateway, each with its Endpoint and PublicKey:\n";
  for (const auto& gateway : gateways)
    text += "  " + gateway.at("name").get<std::string>() + ": Endpoint " +
            gateway.at("endpoint").get<std::string>() + ", PublicKey " +
            gateway.at("public_key").get<std::string>() + " (fingerprint " +
            gateway.at("fingerprint").get<std::string>() + ")\n";
  return text;
}

void write_stdout(const std::string& text) {
  std::cout.flush();
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw CliError(std::string("cannot write to standard output: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace picket::controller::cli
