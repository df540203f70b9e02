#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace picket::controller::web {

// One file of the built web-admin (web-admin/dist), compiled into picketd by
// cmake/embed_web_assets.cmake so that deployment stays one binary.
struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-3f2a9c1b.js"
  std::string_view content_type;  // with charset for text types
  std::string_view body;
  std::string_view gzip_body;  // empty when the build made no smaller gzip
  std::string_view etag;       // quoted, from the SHA-256 of body
  bool immutable;              // content-hashed name: cache for a year
};

// The generated table (empty when picketd was built without the web UI).
std::span<const Asset> embedded_assets();

// The asset for a request path ("/" is index.html), or null.
const Asset* find_asset(std::string_view path);

}  // namespace picket::controller::web
