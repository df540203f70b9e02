#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "api/unix_client.hpp"

namespace picket::controller::cli {

// A failure to report as one line and a non-zero exit.
class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What every subcommand shares: the socket and the --json switch.
class Context {
 public:
  std::filesystem::path socket_path;
  bool json_output = false;

  // Calls picketd; throws CliError with picketd's message on a non-2xx answer.
  nlohmann::json call(const std::string& method, const std::string& target,
                      const nlohmann::json& body = nullptr);

 private:
  std::unique_ptr<api::UnixClient> client_;
};

}  // namespace picket::controller::cli

namespace picket::controller::cli {
// Percent-encodes one URL path segment or query value.
std::string encode(const std::string& segment);
}  // namespace picket::controller::cli
