#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace picket::controller::auth {

// Recovery codes: 10 characters of base32 (50 bits) in two groups, easy to
// type from paper. Case and dashes are ignored when entered. Only their
// SHA-256 is stored.
std::string new_recovery_code();
std::string normalise_recovery_code(const std::string& code);
std::vector<std::uint8_t> hash_bytes(const std::string& text);

}  // namespace picket::controller::auth
