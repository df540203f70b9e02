#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::controller::auth {

// RFC 6238 TOTP with the parameters every authenticator app supports:
// HMAC-SHA-1, 30-second steps, 6 digits. (libsodium has no HMAC-SHA-1, and
// apps that accept SHA-256 secrets are not universal, so OpenSSL's HMAC is
// used here.)
inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;

// The 6-digit code for `step` (unix time / 30), zero-padded.
std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step, int digits = 6);
// The step at which `code` is valid within one step of `now`, if any.
// Comparisons are constant-time.
std::optional<std::int64_t> totp_match(std::span<const std::uint8_t> secret, std::string_view code,
                                       std::int64_t now);

std::string base32_encode(std::span<const std::uint8_t> bytes);
// otpauth://totp/Picket:<username>?secret=…&issuer=Picket, for QR codes.
std::string otpauth_uri(std::string_view username, std::span<const std::uint8_t> secret);

}  // namespace picket::controller::auth
