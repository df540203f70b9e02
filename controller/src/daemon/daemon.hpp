#pragma once

#include "daemon/options.hpp"

namespace picket::controller {

// Runs picketd until SIGTERM or SIGINT; returns the exit code.
int run_daemon(const DaemonOptions& options);

}  // namespace picket::controller
