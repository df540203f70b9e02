#pragma once

#include <string>
#include <string_view>

namespace picket::controller {

// Turns SQLite's "UNIQUE constraint failed: devices.public_key" into what an
// admin can act on. SQLite names only columns, never values, so nothing a
// member typed or a key can leak through here.
std::string conflict_message(std::string_view sqlite_message);

}  // namespace picket::controller
