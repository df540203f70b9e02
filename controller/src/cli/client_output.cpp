#include "cli/client_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "cli/context.hpp"
#include "picket/controller/render.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

void write_private_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw CliError("cannot write " + path + ": " + std::strerror(errno));
  // An existing file keeps its mode under O_CREAT: force 0600, it holds a private key.
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw CliError("cannot write " + path + "; is the disk full?");
}

// On a terminal, force black on white: on a light-on-dark terminal the code
// would otherwise come out inverted, which some scanners refuse.
std::string terminal_qr(const std::string& config) {
  const auto plain = render_qr_terminal(config);
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

}  // namespace

ClientConfig config_from(const json& answer, const gateway::SecretKey& private_key) {
  const auto& client = answer.at("client");
  ClientConfig config;
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
  for (const auto& cidr : client.at("allowed_ips")) {
    config.allowed_ips.push_back(gateway::Cidr::parse(cidr.get<std::string>()));
  }
  config.keepalive = client.at("keepalive").get<std::uint16_t>();
  return config;
}

void print_client(const json& answer, const std::optional<gateway::SecretKey>& private_key,
                  const ClientOutput& output) {
  const auto fingerprint = answer.at("client").at("gateway_fingerprint").get<std::string>();
  std::string config;
  if (private_key) config = render_client_config(config_from(answer, *private_key));
  if (!output.conf_file.empty() && private_key) write_private_file(output.conf_file, config);
  if (!output.svg_file.empty() && private_key)
    write_private_file(output.svg_file, render_qr_svg(config));

  if (output.json_output) {
    json out = answer;
    if (private_key) out["config"] = config;
    std::cout << out.dump(2) << "\n";
    return;
  }
  const auto who =
      answer.at("member").get<std::string>() + "/" + answer.at("label").get<std::string>();
  if (!private_key) {
    std::cout << "Device " << who << " added with the public key you supplied.\n"
              << "Its config needs your private key plus: address "
              << answer.at("ipv4").get<std::string>() << "/32, "
              << answer.at("ipv6").get<std::string>() << "/128; see --json for every field.\n";
  } else if (output.show_qr) {
    std::cout << terminal_qr(config);
  }
  if (private_key) {
    std::cout << "Device " << who << ": scan this into the WireGuard app.\n"
              << "It holds the device's private key: it is shown once and stored nowhere.\n";
    if (!output.conf_file.empty())
      std::cout << "Config written to " << output.conf_file << " (mode 0600).\n";
    if (!output.svg_file.empty())
      std::cout << "QR code written to " << output.svg_file << " (mode 0600).\n";
  }
  std::cout << "Gateway key fingerprint (check it in person): " << fingerprint << "\n";
}

}  // namespace picket::controller::cli
