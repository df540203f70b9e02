#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "auth/secrets.hpp"

namespace picket::controller::auth {

std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step, int digits) {
  std::array<std::uint8_t, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value & 0xff);
    value >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter.data(),
           counter.size(), mac.data(), &mac_size) == nullptr) {
    throw std::runtime_error("computing the TOTP HMAC failed");
  }
  // RFC 4226 dynamic truncation.
  const auto offset = mac[mac_size - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  auto code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> totp_match(std::span<const std::uint8_t> secret, std::string_view code,
                                       std::int64_t now) {
  const auto current = now / kTotpStepSeconds;
  std::optional<std::int64_t> found;
  // Check every step of the window, so the time taken does not say which matched.
  for (std::int64_t step = current - 1; step <= current + 1; ++step) {
    if (equal_constant_time(totp_code(secret, step), code) && !found) found = step;
  }
  return found;
}

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (auto byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string otpauth_uri(std::string_view username, std::span<const std::uint8_t> secret) {
  // Usernames are [a-z0-9._-], so they need no escaping in the URI.
  return "otpauth://totp/Picket:" + std::string(username) + "?secret=" + base32_encode(secret) +
         "&issuer=Picket&algorithm=SHA1&digits=6&period=30";
}

}  // namespace picket::controller::auth
