#pragma once

#include <string_view>

namespace picket::controller {

// picketd's log: one line per event on stderr (the journal under systemd).
// Callers pass fixed text and counts only: never a member label, key,
// address or query name (DESIGN.md, principle 1).
void log_info(std::string_view message);
void log_error(std::string_view message);

}  // namespace picket::controller
