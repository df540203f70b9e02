#include "web/static_response.hpp"

#include "web/assets.hpp"

namespace picket::controller::web {

namespace {

// 'self' only: the UI loads nothing from another origin, and Vite emits no
// inline script or style. data: images are not needed (the QR code is an
// SVG element), so they are not allowed.
constexpr std::string_view kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// no-cache still stores, but revalidates each time, so a new picketd's UI
// shows up on the next load; private keeps shared caches out.
constexpr std::string_view kRevalidate = "private, no-cache";

constexpr std::string_view kNotBuilt =
    "The web admin UI was not built into this picketd.\n"
    "Build it with scripts/build.sh (needs the Debian packages nodejs and npm).\n";

// Calls `match` on each item of a comma-separated header list, spaces
// around it trimmed; true as soon as one matches.
template <typename Match>
bool any_list_item(std::string_view header, Match match) {
  std::size_t start = 0;
  while (start <= header.size()) {
    auto end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (match(item)) return true;
    start = end + 1;
  }
  return false;
}

// Token match of "gzip" in Accept-Encoding; "gzip;q=0" refuses it.
bool accepts_gzip(std::string_view header) {
  return any_list_item(header, [](std::string_view item) {
    const auto semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding != "gzip" && coding != "x-gzip") return false;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
    return !(params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000");
  });
}

bool etag_matches(std::string_view header, std::string_view etag) {
  if (header.empty()) return false;
  if (header == "*") return true;
  // The gzip and identity bodies share one ETag; a weak match is enough for GET.
  return any_list_item(header, [etag](std::string_view item) {
    if (item.starts_with("W/")) item.remove_prefix(2);
    return item == etag;
  });
}

StaticResponse text_reply(int status, std::string_view text) {
  StaticResponse out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  out.headers.emplace_back("Cache-Control", "no-store");
  out.body = text;
  return out;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy", std::string(kCsp)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
  };
  return headers;
}

bool is_static_target(std::string_view target) {
  return !(target == "/api" || target.starts_with("/api/") || target.starts_with("/api?"));
}

StaticResponse serve_static(const StaticRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    auto out = text_reply(405, "Only GET and HEAD are allowed here.\n");
    out.headers.emplace_back("Allow", "GET, HEAD");
    return out;
  }
  std::string_view path = request.target.substr(0, request.target.find_first_of("?#"));
  if (embedded_assets().empty()) return text_reply(503, kNotBuilt);
  const Asset* asset = find_asset(path);
  if (asset == nullptr) return text_reply(404, "There is no such page. The admin UI is at /.\n");

  StaticResponse out;
  out.headers.emplace_back("Content-Type", std::string(asset->content_type));
  out.headers.emplace_back("Cache-Control",
                           std::string(asset->immutable ? kImmutable : kRevalidate));
  out.headers.emplace_back("ETag", std::string(asset->etag));
  if (!asset->gzip_body.empty()) out.headers.emplace_back("Vary", "Accept-Encoding");
  if (etag_matches(request.if_none_match, asset->etag)) {
    out.status = 304;
    return out;
  }
  if (!asset->gzip_body.empty() && accepts_gzip(request.accept_encoding)) {
    out.headers.emplace_back("Content-Encoding", "gzip");
    out.body = asset->gzip_body;
  } else {
    out.body = asset->body;
  }
  return out;
}

}  // namespace picket::controller::web
