// picketd: wiring only. Parses flags, then hands over to run_daemon().
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "daemon/daemon.hpp"
#include "daemon/flags.hpp"
#include "daemon/seizure_runtime.hpp"
#include "state/wipe_files.hpp"

int main(int argc, char** argv) {
  picket::controller::DaemonOptions options;
  CLI::App app{"picketd - the Picket WireGuard control-plane daemon"};
  picket::controller::add_daemon_flags(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  int code = 1;
  try {
    code = picket::controller::run_daemon(options);
  } catch (const std::exception& e) {
    std::cerr << "picketd: " << e.what() << "\n";
  }
  // After a panic wipe every object of the daemon is gone and the database
  // closed (also when stopping threw): shred what SQLite may have left.
  if (picket::controller::wipe_was_requested()) {
    const auto problems = picket::controller::finish_wipe(options.state_dir);
    for (const auto& problem : problems) std::cerr << "picketd: panic wipe: " << problem << "\n";
    if (!problems.empty()) code = 1;
  }
  return code;
}
