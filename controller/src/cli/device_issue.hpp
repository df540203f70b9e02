#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/context.hpp"

namespace picket::controller::cli {

struct DeviceArgs {
  std::string member;
  std::string label;
  std::string path() const {
    return "/api/v1/members/" + encode(member) + "/devices/" + encode(label);
  }
};

void add_device_arguments(CLI::App* command, DeviceArgs& args);
std::int64_t unix_now();

// `device add` and `device reissue`: the commands that make a key pair and
// hand a config to a member.
void add_issue_commands(CLI::App* device, Context& context);

}  // namespace picket::controller::cli
