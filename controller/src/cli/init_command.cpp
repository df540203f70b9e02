#include <iostream>

#include "cli/commands.hpp"

namespace picket::controller::cli {

void add_init_command(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand(
      "init", "set the gateway's endpoint, subnets and DNS (shows them without options)");
  static std::string endpoint, ipv4, ipv6;
  static std::vector<std::string> dns;
  static std::optional<int> port;
  init->add_option("--endpoint", endpoint, "public HOST:PORT that members' apps dial");
  init->add_option("--ipv4", ipv4, "tunnel IPv4 subnet, /16 to /30 (only while no device exists)");
  init->add_option("--ipv6", ipv6, "tunnel IPv6 ULA subnet (only while no device exists)");
  init->add_option("--dns", dns, "DNS servers handed to members (default: the gateway)");
  init->add_option("--port", port, "WireGuard UDP listen port");
  init->callback([&context] {
    nlohmann::json body = nlohmann::json::object();
    if (!endpoint.empty()) body["endpoint"] = endpoint;
    if (!ipv4.empty()) body["ipv4_subnet"] = ipv4;
    if (!ipv6.empty()) body["ipv6_subnet"] = ipv6;
    if (!dns.empty()) body["dns"] = dns;
    if (port) body["listen_port"] = *port;
    const auto answer = body.empty() ? context.call("GET", "/api/v1/settings")
                                     : context.call("PATCH", "/api/v1/settings", body);
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    std::string dns_text;
    for (const auto& d : answer.at("dns"))
      dns_text += (dns_text.empty() ? "" : ", ") + d.get<std::string>();
    std::cout << "interface:   " << answer.at("interface_name").get<std::string>() << " (UDP port "
              << answer.at("listen_port").get<int>() << ")\n"
              << "endpoint:    "
              << (answer.at("endpoint").get<std::string>().empty()
                      ? "(not set: picket init --endpoint HOST:PORT)"
                      : answer.at("endpoint").get<std::string>())
              << "\n"
              << "subnets:     " << answer.at("ipv4_subnet").get<std::string>() << ", "
              << answer.at("ipv6_subnet").get<std::string>() << "\n"
              << "dns:         " << dns_text << "\n"
              << "fingerprint: " << answer.at("fingerprint").get<std::string>() << "\n";
  });
}

}  // namespace picket::controller::cli
