#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

// An error with its HTTP status and a stable machine-readable code, for the
// cases the domain's own exceptions do not cover (sessions, CSRF, limits).
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  int retry_after = 0;  // seconds, for 429

 private:
  int status_;
  std::string code_;
};

ApiResponse reply(int status, const nlohmann::json& body);
// {"error": message, "code": code}: the message is for people, the code for
// programs and stays stable across releases.
ApiResponse error_reply(int status, const std::string& code, const std::string& message);
// The one place exceptions become responses: the domain's NotFoundError,
// ConflictError, std::invalid_argument, ApplyError, … and ApiError.
ApiResponse reply_for_current_exception();

}  // namespace picket::controller::api
