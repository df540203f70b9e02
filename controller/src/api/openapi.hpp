#pragma once

#include <string_view>

namespace picket::controller::api {

// The OpenAPI 3 document (controller/src/api/openapi.json), compiled in.
std::string_view openapi_document();

}  // namespace picket::controller::api
