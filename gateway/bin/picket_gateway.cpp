// picket-gateway: wiring only. Parses the subcommand and its flags, then
// hands over to run_enrol() or run_gateway() (src/agent/commands.cpp).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "agent/commands.hpp"

int main(int argc, char** argv) {
  namespace agent = picket::gateway::agent;
  CLI::App app{"picket-gateway - a Picket gateway that follows its controller and keeps nothing"};
  app.require_subcommand(1);
  agent::EnrolOptions enrol;
  agent::RunOptions run;
  auto* enrol_command = app.add_subcommand("enrol", "join a controller with its one-time token");
  agent::add_enrol_flags(*enrol_command, enrol);
  auto* run_command = app.add_subcommand("run", "serve what the controller says until stopped");
  agent::add_run_flags(*run_command, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return enrol_command->parsed() ? agent::run_enrol(enrol) : agent::run_gateway(run);
  } catch (const std::exception& e) {
    std::cerr << "picket-gateway: " << e.what() << "\n";
    return 1;
  }
}
