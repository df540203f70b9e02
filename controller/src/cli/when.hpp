#pragma once

#include <cstdint>
#include <string_view>

namespace picket::controller::cli {

// Parses an expiry: a duration from now ("90m", "12h", "30d", "2w"), an
// RFC 3339 UTC time ("2026-12-01T18:00:00Z") or "@<unix seconds>". Throws
// CliError with the accepted forms.
std::int64_t parse_when(std::string_view text, std::int64_t now);

}  // namespace picket::controller::cli
