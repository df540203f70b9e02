#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "picket/gateway/agent/node_setup.hpp"
#include "picket/gateway/agent/state_dir.hpp"

namespace CLI {
class App;
}

// picket-gateway's two subcommands: their options, their flags (defined
// once, here) and what they do. bin/picket_gateway.cpp only wires them.
namespace picket::gateway::agent {

struct EnrolOptions {
  std::string token;  // "-": read it from standard input (keeps it out of ps and the history)
  std::string name;   // empty: this host's name
  std::filesystem::path state_dir = kDefaultStateDir;
  bool force = false;
};

struct RunOptions {
  std::filesystem::path state_dir = kDefaultStateDir;
  NodeSetup node;
  std::uint32_t lease_seconds = 180;
};

void add_enrol_flags(CLI::App& command, EnrolOptions& options);
void add_run_flags(CLI::App& command, RunOptions& options);

// Both throw Error (or std::exception) with a message for the admin.
int run_enrol(const EnrolOptions& options);
// Returns 0 after SIGTERM or SIGINT once the node is down.
int run_gateway(const RunOptions& options);

}  // namespace picket::gateway::agent
