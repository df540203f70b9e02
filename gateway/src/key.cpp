#include "picket/gateway/key.hpp"

#include <sodium.h>

#include <array>
#include <string>

#include "picket/gateway/error.hpp"

namespace picket::gateway {
namespace {

// Base64 of 32 bytes is always 43 significant characters plus one '='.
constexpr std::size_t kBase64Length = 44;
constexpr std::size_t kHexLength = 2 * kKeySize;

void ensure_sodium() {
  // A function-local static is initialised exactly once even under threads;
  // sodium_init() must run before randombytes_buf.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw Error("libsodium could not be initialised");
}

// The input is never quoted: it may be a private or preshared key.
std::optional<KeyBytes> decode_base64(std::string_view text) {
  if (text.size() != kBase64Length || text.back() != '=') return std::nullopt;
  KeyBytes out{};
  std::size_t len = 0;
  const char* end = nullptr;
  // ORIGINAL (with padding) rejects non-zero trailing bits, so every key has
  // exactly one accepted spelling.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != kKeySize || end != text.data() + text.size()) {
    sodium_memzero(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

KeyBytes decode_base64_or_throw(std::string_view text) {
  if (auto bytes = decode_base64(text)) return *bytes;
  throw ParseError(
      "not a WireGuard key: expected 44 base64 characters ending in '=' (the input is not shown)");
}

KeyBytes decode_hex_or_throw(std::string_view text) {
  KeyBytes out{};
  std::size_t len = 0;
  const char* end = nullptr;
  if (text.size() != kHexLength ||
      sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end) != 0 ||
      len != kKeySize || end != text.data() + text.size()) {
    sodium_memzero(out.data(), out.size());
    throw ParseError("not a WireGuard key: expected 64 hex digits (the input is not shown)");
  }
  return out;
}

std::string encode_base64(const KeyBytes& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(kKeySize, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(kBase64Length);  // drop the terminating NUL
  return out;
}

std::string encode_hex(const KeyBytes& bytes) {
  std::string out(kHexLength + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.resize(kHexLength);
  return out;
}

bool all_zero(const KeyBytes& bytes) {
  return sodium_is_zero(bytes.data(), bytes.size()) == 1;
}

void clamp(KeyBytes& scalar) {
  scalar[0] &= 248;
  scalar[31] = static_cast<std::uint8_t>((scalar[31] & 127) | 64);
}

}  // namespace

Key Key::from_base64(std::string_view text) {
  return Key(decode_base64_or_throw(text));
}
Key Key::from_hex(std::string_view text) {
  return Key(decode_hex_or_throw(text));
}

std::optional<Key> Key::try_base64(std::string_view text) {
  if (auto bytes = decode_base64(text)) return Key(*bytes);
  return std::nullopt;
}

std::string Key::base64() const {
  return encode_base64(bytes_);
}
std::string Key::hex() const {
  return encode_hex(bytes_);
}
bool Key::is_zero() const {
  return all_zero(bytes_);
}

SecretKey::~SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

SecretKey SecretKey::from_base64(std::string_view text) {
  KeyBytes bytes = decode_base64_or_throw(text);
  SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

SecretKey SecretKey::from_hex(std::string_view text) {
  KeyBytes bytes = decode_hex_or_throw(text);
  SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

std::string SecretKey::base64() const {
  return encode_base64(bytes_);
}
std::string SecretKey::hex() const {
  return encode_hex(bytes_);
}
bool SecretKey::is_zero() const {
  return all_zero(bytes_);
}

bool SecretKey::operator==(const SecretKey& other) const {
  return sodium_memcmp(bytes_.data(), other.bytes_.data(), kKeySize) == 0;
}

SecretKey generate_private_key() {
  return clamp_private_key(generate_preshared_key());
}

SecretKey generate_preshared_key() {
  ensure_sodium();
  KeyBytes bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

Key public_key_of(const SecretKey& private_key) {
  ensure_sodium();
  // WireGuard clamps on use, so an unclamped stored key must give the same
  // public key as wg pubkey would.
  KeyBytes scalar = private_key.bytes();
  clamp(scalar);
  KeyBytes point{};
  crypto_scalarmult_base(point.data(), scalar.data());
  sodium_memzero(scalar.data(), scalar.size());
  return Key(point);
}

SecretKey clamp_private_key(const SecretKey& private_key) {
  KeyBytes bytes = private_key.bytes();
  clamp(bytes);
  SecretKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

void validate_public_key(const Key& key) {
  if (key.is_zero()) throw ParseError("unusable WireGuard public key: it is all zero");
  // X25519 ignores the top bit, and a point of small order times any clamped
  // scalar (a multiple of the cofactor 8) is the all-zero secret, which would
  // let anyone derive the session keys. The points of order 1, 2, 4 and 8 are
  // the u-coordinates below, two of them also in the spellings u + p; a table
  // instead of a scalar multiplication per key, because a gateway checks
  // every key of a whole state (10,000 multiplications took 0.5 s there).
  static constexpr std::array<KeyBytes, 7> kSmallOrder = {{
      {0x00},  // 0
      {0x01},  // 1
      {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
       0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
       0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},  // order 8
      {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,
       0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
       0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},  // order 8
      {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p - 1
      {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p, which is 0
      {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p + 1, which is 1
  }};
  KeyBytes u = key.bytes();
  u[kKeySize - 1] &= 0x7f;
  for (const KeyBytes& point : kSmallOrder)
    if (u == point) throw ParseError("unusable WireGuard public key: it is a point of small order");
}

Key parse_public_key(std::string_view base64_text) {
  Key key = Key::from_base64(base64_text);
  validate_public_key(key);
  return key;
}

}  // namespace picket::gateway
