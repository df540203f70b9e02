#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace picket::gateway {

inline constexpr std::size_t kKeySize = 32;
using KeyBytes = std::array<std::uint8_t, kKeySize>;

// A WireGuard public key (Curve25519 point). Public, yet still never logged:
// it identifies a member's device. It has no operator<< on purpose.
class Key {
 public:
  Key() = default;  // all zero
  explicit Key(const KeyBytes& bytes) : bytes_(bytes) {}

  // Throws ParseError ("… is not a WireGuard key: expected 44 base64 characters …").
  // The message never echoes the input.
  static Key from_base64(std::string_view text);
  static Key from_hex(std::string_view text);
  static std::optional<Key> try_base64(std::string_view text);

  std::string base64() const;
  std::string hex() const;
  bool is_zero() const;
  const KeyBytes& bytes() const { return bytes_; }

  auto operator<=>(const Key&) const = default;

 private:
  KeyBytes bytes_{};
};

// A private key or a preshared key. Its memory is wiped when it goes away, it
// compares in constant time and it has no operator<<.
class SecretKey {
 public:
  SecretKey() = default;  // all zero
  explicit SecretKey(const KeyBytes& bytes) : bytes_(bytes) {}
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  static SecretKey from_base64(std::string_view text);
  static SecretKey from_hex(std::string_view text);

  std::string base64() const;
  std::string hex() const;
  bool is_zero() const;
  const KeyBytes& bytes() const { return bytes_; }

  bool operator==(const SecretKey& other) const;  // constant time

 private:
  KeyBytes bytes_{};
};

// Random Curve25519 private key, clamped the way WireGuard clamps it.
SecretKey generate_private_key();
// 32 random bytes for a preshared key.
SecretKey generate_preshared_key();
Key public_key_of(const SecretKey& private_key);
// The private key as WireGuard stores and reports it (clamped on set), so an
// unclamped configured key compares equal to what the interface holds.
SecretKey clamp_private_key(const SecretKey& private_key);

// Throws ParseError when `key` is unusable as a peer's public key: all zero
// or a point of small order (X25519 with it gives the all-zero secret).
void validate_public_key(const Key& key);
// Convenience: base64 parse plus validate_public_key.
Key parse_public_key(std::string_view base64_text);

}  // namespace picket::gateway
