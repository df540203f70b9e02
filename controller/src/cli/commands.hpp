#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace picket::controller::cli {

// Each adds its subcommand(s) to `app`; the callbacks run against `context`.
void add_init_command(CLI::App& app, Context& context);
void add_member_commands(CLI::App& app, Context& context);
void add_device_commands(CLI::App& app, Context& context);
void add_status_command(CLI::App& app, Context& context);
void add_dns_commands(CLI::App& app, Context& context);
void add_admin_commands(CLI::App& app, Context& context);
// After add_member_commands: wipe, burn, member revoke-devices, rotate-key.
void add_seizure_commands(CLI::App& app, Context& context);
// backup and restore (read and write the state directory, not the socket).
void add_backup_commands(CLI::App& app, Context& context);
// unlock (locked mode).
void add_unlock_command(CLI::App& app, Context& context);
// After add_device_commands: adds `device access` and `firewall`.
void add_firewall_commands(CLI::App& app, Context& context);
// gateway add | list | remove (a controller's gateway hosts).
void add_gateway_commands(CLI::App& app, Context& context);
// What each gateway host said about a change ("gateways" in an answer);
// nothing on a single box.
void print_gateway_answers(const nlohmann::json& answer);

}  // namespace picket::controller::cli
