#pragma once

#include <string>
#include <string_view>

#include "picket/controller/api.hpp"

namespace picket::controller::api {

inline constexpr std::string_view kSessionCookie = "picket_session";

// The value of the session cookie in a Cookie header, or "".
std::string session_cookie(std::string_view cookie_header);
// Set-Cookie values: HttpOnly and SameSite=Strict always, Secure under TLS,
// no Max-Age (the browser forgets it when it closes; the server's idle and
// absolute timeouts bound it anyway).
std::string session_set_cookie(const std::string& token, bool tls);
std::string session_clear_cookie(bool tls);

bool is_state_changing(std::string_view method);

// Checks for requests from a browser on another origin: an Origin header
// must name this host, and Sec-Fetch-Site, when sent, must be same-origin
// or none. Clients that send neither (curl, scripts) pass; they also cannot
// carry a victim's cookie. Throws ApiError 403.
void check_same_origin(const ApiRequest& request);
// The X-CSRF-Token header must equal the session's CSRF token. Throws ApiError 403.
void check_csrf(const ApiRequest& request, const std::string& expected);
// A body must be declared as JSON. Throws ApiError 415.
void check_json_content_type(const ApiRequest& request);

}  // namespace picket::controller::api
