#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::controller::auth {

using Sha256 = std::array<std::uint8_t, 32>;

// 256 random bits, base64url without padding: session tokens, setup tokens.
std::string random_token();
std::vector<std::uint8_t> random_bytes(std::size_t size);
Sha256 sha256(std::string_view text);
std::string base64url(std::span<const std::uint8_t> bytes);
// Compares in time that depends only on the lengths.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace picket::controller::auth
