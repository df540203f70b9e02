#include "channel/base64url.hpp"

#include <sodium.h>

#include <algorithm>

namespace picket::gateway::channel::detail {

std::string base64url(std::span<const std::uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64url(std::string_view text, std::size_t max_bytes) {
  if (text.size() > (max_bytes * 4 + 2) / 3) return std::nullopt;
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size() || len > max_bytes)
    return std::nullopt;
  out.resize(len);
  // libsodium accepts non-zero trailing bits; one spelling per value keeps
  // a secret from having look-alikes.
  if (base64url({reinterpret_cast<const std::uint8_t*>(out.data()), out.size()}) != text)
    return std::nullopt;
  return out;
}

std::optional<KeyBytes> from_base64url_32(std::string_view text) {
  auto bytes = from_base64url(text, kKeySize);
  if (!bytes || bytes->size() != kKeySize) {
    if (bytes) sodium_memzero(bytes->data(), bytes->size());
    return std::nullopt;
  }
  KeyBytes out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  sodium_memzero(bytes->data(), bytes->size());
  return out;
}

}  // namespace picket::gateway::channel::detail
