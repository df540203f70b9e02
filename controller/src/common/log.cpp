#include "common/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace picket::controller {

namespace {
std::mutex log_mutex;

void write_line(std::string_view level, std::string_view message) {
  std::string line;
  line.reserve(level.size() + message.size() + 2);
  line.append(level).append(message).push_back('\n');
  std::lock_guard lock(log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}
}  // namespace

void log_info(std::string_view message) {
  write_line("picketd: ", message);
}
void log_error(std::string_view message) {
  write_line("picketd: error: ", message);
}

}  // namespace picket::controller
