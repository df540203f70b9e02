#pragma once

#include <span>

#include "api/route_table.hpp"

namespace picket::controller::api {

// GET/PATCH /dns and POST /dns/reload: the members' resolver settings.
// 409 while picketd runs without its resolver (--no-dns).
std::span<const Route> dns_routes();

}  // namespace picket::controller::api
