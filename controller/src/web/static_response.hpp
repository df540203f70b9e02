#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace picket::controller::web {

// What the HTTP listener needs to know about a request for a UI file.
struct StaticRequest {
  std::string_view method;  // only GET and HEAD are served
  std::string_view target;  // path and query; the query is ignored
  std::string_view accept_encoding;
  std::string_view if_none_match;
};

struct StaticResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // includes Content-Type
  std::string_view body;  // points into the embedded table or a static string
};

// Headers every response of the admin listener carries, API answers too:
// a Content-Security-Policy that allows only this origin's own files (no
// inline script or style, no framing), no MIME sniffing, no Referer.
const std::vector<std::pair<std::string, std::string>>& security_headers();

// True for targets the UI owns: everything outside /api/.
bool is_static_target(std::string_view target);

// Maps a request to one embedded file: precompressed gzip when the client
// accepts it, a year of immutable caching for content-hashed files,
// revalidation (no-cache + ETag) for index.html. Pure: no I/O.
StaticResponse serve_static(const StaticRequest& request);

}  // namespace picket::controller::web
