#include "auth/secrets.hpp"

#include <sodium.h>

#include <stdexcept>

namespace picket::controller::auth {

namespace {
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::vector<std::uint8_t> random_bytes(std::size_t size) {
  ensure_sodium();
  std::vector<std::uint8_t> out(size);
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string base64url(std::span<const std::uint8_t> bytes) {
  ensure_sodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string random_token() {
  auto bytes = random_bytes(32);
  auto token = base64url(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return token;
}

Sha256 sha256(std::string_view text) {
  Sha256 out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace picket::controller::auth
