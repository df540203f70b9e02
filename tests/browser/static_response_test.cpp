// Serving the embedded UI: what the browser is told about each file. These
// run against the table built from web-admin/dist; a build without the UI
// checks the "not built" answer instead.
#include "web/static_response.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "web/assets.hpp"

using namespace picket::controller::web;

namespace {

std::string header(const StaticResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers)
    if (key == name) return value;
  return "";
}

const Asset* first_hashed() {
  for (const auto& asset : embedded_assets())
    if (asset.immutable && asset.path.ends_with(".js")) return &asset;
  return nullptr;
}

}  // namespace

TEST_CASE("security headers forbid inline code, other origins and framing") {
  std::string csp;
  for (const auto& [key, value] : security_headers())
    if (key == "Content-Security-Policy") csp = value;
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("script-src 'self';") != std::string::npos);
  CHECK(csp.find("style-src 'self';") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe") == std::string::npos);
  CHECK(csp.find("http") == std::string::npos);
  bool nosniff = false, no_referrer = false;
  for (const auto& [key, value] : security_headers()) {
    nosniff |= key == "X-Content-Type-Options" && value == "nosniff";
    no_referrer |= key == "Referrer-Policy" && value == "no-referrer";
  }
  CHECK(nosniff);
  CHECK(no_referrer);
}

TEST_CASE("API paths are not the UI's") {
  CHECK_FALSE(is_static_target("/api/v1/members"));
  CHECK_FALSE(is_static_target("/api"));
  CHECK(is_static_target("/"));
  CHECK(is_static_target("/assets/index-abc.js"));
  CHECK(is_static_target("/apiary"));
}

TEST_CASE("only GET and HEAD") {
  const auto r = serve_static({"POST", "/", "", ""});
  CHECK(r.status == 405);
  CHECK(header(r, "Allow") == "GET, HEAD");
}

TEST_CASE("a picketd built without the UI says how to build it") {
  if (!embedded_assets().empty()) return;
  const auto r = serve_static({"GET", "/", "gzip", ""});
  CHECK(r.status == 503);
  CHECK(std::string(r.body).find("scripts/build.sh") != std::string::npos);
}

TEST_CASE("index.html: revalidated on each load, gzip when accepted") {
  if (embedded_assets().empty()) return;
  const auto plain = serve_static({"GET", "/?x=1", "", ""});
  REQUIRE(plain.status == 200);
  CHECK(header(plain, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(plain, "Cache-Control") == "private, no-cache");
  CHECK(header(plain, "Content-Encoding").empty());
  CHECK(std::string(plain.body).find("<script type=\"module\"") != std::string::npos);
  // No inline script: every <script> has a src.
  CHECK(std::string(plain.body).find("<script>") == std::string::npos);

  const auto gz = serve_static({"GET", "/index.html", "br, gzip, deflate", ""});
  REQUIRE(gz.status == 200);
  CHECK(header(gz, "Content-Encoding") == "gzip");
  CHECK(header(gz, "Vary") == "Accept-Encoding");
  CHECK(gz.body.size() < plain.body.size());
  CHECK(static_cast<unsigned char>(gz.body[0]) == 0x1f);  // gzip magic
  CHECK(static_cast<unsigned char>(gz.body[1]) == 0x8b);

  const auto refused = serve_static({"GET", "/", "gzip;q=0, identity", ""});
  CHECK(header(refused, "Content-Encoding").empty());

  const auto again = serve_static({"GET", "/", "gzip", header(plain, "ETag")});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  // If-None-Match as a list, weak or strong, with spaces around items.
  const auto etag = header(plain, "ETag");
  CHECK(serve_static({"GET", "/", "", "\"other\", W/" + etag + " "}).status == 304);
  CHECK(serve_static({"GET", "/", "", "\"other\",  W/\"stale\""}).status == 200);
  CHECK(header(serve_static({"GET", "/", "deflate , gzip ;q=0.5", ""}), "Content-Encoding") ==
        "gzip");
}

TEST_CASE("hashed files are cached for a year with their content type") {
  const Asset* js = first_hashed();
  if (js == nullptr) return;
  const auto r = serve_static({"GET", js->path, "gzip", ""});
  REQUIRE(r.status == 200);
  CHECK(header(r, "Content-Type") == "text/javascript; charset=utf-8");
  CHECK(header(r, "Cache-Control") == "public, max-age=31536000, immutable");
}

TEST_CASE("unknown files are 404, and .. goes nowhere") {
  if (embedded_assets().empty()) return;
  CHECK(serve_static({"GET", "/nothing.js", "", ""}).status == 404);
  CHECK(serve_static({"GET", "/assets/../index.html", "", ""}).status == 404);
  CHECK(serve_static({"GET", "/index.html.gz", "", ""}).status == 404);
}
