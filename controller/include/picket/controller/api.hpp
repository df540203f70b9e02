#pragma once

#include <string>

#include "picket/controller/service.hpp"

namespace picket::controller {

struct ApiRequest {
  std::string method;  // "GET", "POST", "DELETE", …
  std::string target;  // path and query, e.g. /api/v1/devices?member=alice
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
};

// Maximum request body the API reads; larger bodies are refused before parsing.
inline constexpr std::size_t kMaxRequestBody = 64 * 1024;

// Maps a request to a response: routing, JSON validation (unknown fields and
// wrong types are refused), the service call, and errors turned into
// {"error": "..."} with a status. Pure apart from what `service` does.
ApiResponse handle_api_request(Service& service, const ApiRequest& request);

}  // namespace picket::controller
