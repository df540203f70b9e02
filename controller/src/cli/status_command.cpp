#include <algorithm>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/table.hpp"

namespace picket::controller::cli {

void add_status_command(CLI::App& app, Context& context) {
  auto* status = app.add_subcommand(
      "status", "live handshakes and transfer, read from the interface (never stored)");
  status->callback([&context] {
    const auto answer = context.call("GET", "/api/v1/status");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    // A controller's answer says, per device, which gateway hosts it has
    // had a handshake with (the latest first).
    const auto& devices = answer.at("devices");
    const bool fleet = std::any_of(devices.begin(), devices.end(),
                                   [](const auto& d) { return d.contains("gateways"); });
    std::vector<std::vector<std::string>> rows{
        {"MEMBER", "DEVICE", "IPV4", "PEER", "HANDSHAKE", "RECEIVED", "SENT"}};
    if (fleet) rows[0].push_back("GATEWAYS");
    for (const auto& d : devices) {
      rows.push_back({d.at("member"), d.at("label"), d.at("ipv4"),
                      d.at("active").get<bool>() ? "on" : "off",
                      age(d.at("last_handshake").get<std::int64_t>(), now),
                      bytes(d.at("rx_bytes").get<std::uint64_t>()),
                      bytes(d.at("tx_bytes").get<std::uint64_t>())});
      if (!fleet) continue;
      std::string via;
      for (const auto& g : d.value("gateways", nlohmann::json::array()))
        via += (via.empty() ? "" : ", ") + g.at("name").get<std::string>() + " " +
               age(g.at("last_handshake").get<std::int64_t>(), now);
      rows.back().push_back(via.empty() ? "-" : via);
    }
    std::cout << "interface " << answer.at("interface").get<std::string>() << "\n";
    print_table(rows);
  });
}

}  // namespace picket::controller::cli
