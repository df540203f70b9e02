#include <iostream>

#include "cli/commands.hpp"

namespace picket::controller::cli {

void add_dns_commands(CLI::App& app, Context& context) {
  auto* dns = app.add_subcommand("dns", "the members' DNS resolver: settings and blocklists");
  dns->require_subcommand(1);

  auto* show = dns->add_subcommand("show", "settings and counters (no query is ever recorded)");
  show->callback([&context] {
    const auto answer = context.call("GET", "/api/v1/dns");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    std::cout << "Zone:        " << answer.at("zone").get<std::string>() << "\n"
              << "Upstream:    " << answer.at("upstream").get<std::string>()
              << (answer.at("dnssec").get<bool>() ? " (DNSSEC validated)" : "") << "\n"
              << "Directory:   "
              << (answer.value("open_directory", false)
                      ? "open (every member resolves every device's name)"
                      : "closed (a member resolves its own devices and those it may reach)")
              << "\n"
              << "Blocked:     " << answer.at("blocked_domains").get<std::size_t>()
              << " domains, answered " << answer.at("block_answer").get<std::string>() << "\n";
    for (const auto& file : answer.at("blocklists"))
      std::cout << "  list:      " << file.get<std::string>() << "\n";
    for (const auto& [name, value] : answer.at("counters").items())
      std::cout << "  " << name << ": " << value << "\n";
  });

  auto* reload = dns->add_subcommand("reload", "reread the blocklist files (as SIGHUP does)");
  reload->callback([&context] {
    const auto answer = context.call("POST", "/api/v1/dns/reload");
    if (context.json_output)
      std::cout << answer.dump(2) << "\n";
    else
      std::cout << "Reloaded: " << answer.at("reloaded").get<std::string>() << "\n";
  });

  auto* set = dns->add_subcommand("set", "change the resolver's settings");
  static std::string zone, block_answer, upstream;
  static std::vector<std::string> blocklists, servers;
  static bool no_blocklists = false;
  static std::optional<bool> dnssec, open_directory;
  set->add_option("--zone", zone, "zone of device names");
  set->add_option("--blocklist", blocklists, "blocklist files (replace the current ones)");
  set->add_flag("--no-blocklists", no_blocklists, "block nothing");
  set->add_option("--block-answer", block_answer, "nxdomain or null")
      ->check(CLI::IsMember({"nxdomain", "null"}));
  set->add_option("--upstream", upstream, "recursive, tls or plain")
      ->check(CLI::IsMember({"recursive", "tls", "plain"}));
  set->add_option("--server", servers, "forwarding targets ADDRESS[@PORT][#TLS-NAME]");
  set->add_option("--dnssec", dnssec, "true or false");
  set->add_option("--open-directory", open_directory,
                  "true: every member resolves every device's name; false (default): its own "
                  "and those it may reach");
  set->callback([&context] {
    nlohmann::json body = nlohmann::json::object();
    if (!zone.empty()) body["zone"] = zone;
    if (!blocklists.empty()) body["blocklists"] = blocklists;
    if (no_blocklists) body["blocklists"] = nlohmann::json::array();
    if (!block_answer.empty()) body["block_answer"] = block_answer;
    if (!upstream.empty()) body["upstream"] = upstream;
    if (!servers.empty()) body["servers"] = servers;
    if (dnssec) body["dnssec"] = *dnssec ? 1 : 0;
    if (open_directory) body["open_directory"] = *open_directory ? 1 : 0;
    const auto answer = context.call("PATCH", "/api/v1/dns", body);
    if (context.json_output)
      std::cout << answer.dump(2) << "\n";
    else
      std::cout << "DNS settings saved; " << answer.at("blocked_domains").get<std::size_t>()
                << " blocked domains.\n";
  });
}

}  // namespace picket::controller::cli
