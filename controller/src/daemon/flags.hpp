#pragma once

#include "daemon/options.hpp"

namespace CLI {
class App;
}

namespace picket::controller {

// Every flag picketd takes, defined once: where it lands in DaemonOptions,
// its help, its check and its default as --help shows it.
void add_daemon_flags(CLI::App& app, DaemonOptions& options);

}  // namespace picket::controller
