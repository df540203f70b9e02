#include "api/gate.hpp"

#include "api/replies.hpp"
#include "auth/secrets.hpp"

namespace picket::controller::api {

namespace {
std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}
}  // namespace

std::string session_cookie(std::string_view header) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const auto pair = trim(header.substr(0, semicolon));
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie)
      return std::string(pair.substr(eq + 1));
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return {};
}

std::string session_set_cookie(const std::string& token, bool tls) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "");
}

std::string session_clear_cookie(bool tls) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "");
}

bool is_state_changing(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

void check_same_origin(const ApiRequest& request) {
  if (!request.sec_fetch_site.empty() && request.sec_fetch_site != "same-origin" &&
      request.sec_fetch_site != "none") {
    throw ApiError(403, "cross_origin", "requests from other sites are refused");
  }
  if (request.origin.empty()) return;
  const std::string expected = (request.tls ? "https://" : "http://") + request.host;
  if (request.host.empty() || request.origin != expected)
    throw ApiError(403, "cross_origin", "requests from other origins are refused");
}

void check_csrf(const ApiRequest& request, const std::string& expected) {
  if (request.csrf_token.empty()) {
    throw ApiError(403, "csrf_missing",
                   "this request changes state and needs the X-CSRF-Token header (from "
                   "GET /api/v1/session)");
  }
  if (!auth::equal_constant_time(request.csrf_token, expected))
    throw ApiError(403, "csrf_invalid", "the X-CSRF-Token header does not match the session");
}

void check_json_content_type(const ApiRequest& request) {
  if (request.body.empty()) return;
  std::string_view type = request.content_type;
  type = trim(type.substr(0, type.find(';')));
  if (type != "application/json")
    throw ApiError(415, "unsupported_media_type", "request bodies must be application/json");
}

}  // namespace picket::controller::api
