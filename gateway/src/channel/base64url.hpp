#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "picket/gateway/key.hpp"

// base64url without padding (RFC 4648 §5): what pins, enrolment secrets and
// tokens are written in, so they survive URLs, shells and QR codes.
namespace picket::gateway::channel::detail {

std::string base64url(std::span<const std::uint8_t> bytes);
// Nullopt unless `text` is exactly the one spelling of some bytes (no
// padding, no whitespace, zero trailing bits).
std::optional<std::string> from_base64url(std::string_view text, std::size_t max_bytes);
// Exactly 32 bytes (a pin or a secret): 43 characters.
std::optional<KeyBytes> from_base64url_32(std::string_view text);

}  // namespace picket::gateway::channel::detail
