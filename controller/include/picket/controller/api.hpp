#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "picket/controller/service.hpp"

namespace picket::controller {

// Where a request came from. The unix socket is root-only and so trusted
// without a session; everything else must authenticate. The default is the
// untrusted one, so a caller that forgets to say fails closed.
enum class Transport { http, unix_socket };

struct ApiRequest {
  std::string method;  // "GET", "POST", "DELETE", …
  std::string target;  // path and query, e.g. /api/v1/devices?member=alice
  std::string body;
  Transport transport = Transport::http;
  // Headers the API looks at (HTTP listeners only).
  std::string content_type{};
  std::string cookie{};
  std::string csrf_token{};  // X-CSRF-Token
  std::string origin{};
  std::string sec_fetch_site{};
  std::string host{};
  // X-Picket-Background: 1, sent by the web UI on reads nobody asked for
  // (polling); such reads do not count as the admin being active.
  bool background = false;
  // The peer's address, for login rate limiting; held in memory, never logged.
  std::string source{};
  bool tls = false;
  // For the UI's files (Accept-Encoding, If-None-Match), and whether the
  // listener serves /metrics (the loopback one).
  std::string accept_encoding{};
  std::string if_none_match{};
  bool metrics_listener = false;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};  // e.g. Set-Cookie, Retry-After
  // Work that would cut the connection this answer travels on (a burn sent
  // through the caller's own tunnel): run once the answer has been written
  // and the client has closed (or after a short grace), or at once where
  // the transport has no such problem. The connection is not kept alive.
  std::function<void()> after_sent{};
};

// Maximum request body the API reads; larger bodies are refused before parsing.
inline constexpr std::size_t kMaxRequestBody = 64 * 1024;

}  // namespace picket::controller
