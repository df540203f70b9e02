#pragma once

#include <string_view>

namespace picket::gateway::agent {

// picket-gateway's log: one line per event on stderr (the journal under
// systemd), "picket-gateway: ..." like picketd's. Callers pass fixed text,
// counts, versions, pins and the gateway's name only: never a peer's key,
// address, endpoint or DNS name.
void log_info(std::string_view message);
void log_error(std::string_view message);

}  // namespace picket::gateway::agent
