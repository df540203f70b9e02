#include "agent/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace picket::gateway::agent {

namespace {

// The resolver runs on a thread of its own; one lock keeps lines whole.
std::mutex log_mutex;

void write_line(std::string_view prefix, std::string_view message) {
  std::string line;
  line.reserve(prefix.size() + message.size() + 1);
  line.append(prefix).append(message).push_back('\n');
  std::lock_guard lock(log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void log_info(std::string_view message) {
  write_line("picket-gateway: ", message);
}

void log_error(std::string_view message) {
  write_line("picket-gateway: error: ", message);
}

}  // namespace picket::gateway::agent
