// picket: the admin CLI. Wiring only: each subcommand lives in src/cli/.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "state/state_files.hpp"

int main(int argc, char** argv) {
  using namespace picket::controller;
  cli::Context context;
  context.socket_path = kDefaultSocket;
  CLI::App app{
      "picket - manage the Picket WireGuard gateway (talks to picketd over its local socket)"};
  app.add_option("--socket", context.socket_path, "picketd's unix socket")->capture_default_str();
  app.add_flag("--json", context.json_output, "print JSON instead of text");
  app.require_subcommand(1);
  cli::add_init_command(app, context);
  cli::add_member_commands(app, context);
  cli::add_device_commands(app, context);
  cli::add_firewall_commands(app, context);
  cli::add_status_command(app, context);
  cli::add_dns_commands(app, context);
  cli::add_gateway_commands(app, context);
  cli::add_admin_commands(app, context);
  cli::add_seizure_commands(app, context);
  cli::add_backup_commands(app, context);
  cli::add_unlock_command(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "picket: " << e.what() << " (see picket --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "picket: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
