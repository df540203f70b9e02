#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <vector>

namespace picket::controller {

// What every Store connection sets, file-backed or in memory: extended
// result codes, the busy timeout, defensive mode, foreign keys and
// secure_delete.
void configure_connection(sqlite3* db);

// Wipes and frees an in-memory store's copy of its last sealed image.
void forget_sealed_image(std::vector<std::uint8_t>& image);

}  // namespace picket::controller
