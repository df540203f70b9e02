#include "web/assets.hpp"

namespace picket::controller::web {

const Asset* find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  // A few dozen files: a linear scan costs less than building an index.
  for (const auto& asset : embedded_assets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace picket::controller::web
