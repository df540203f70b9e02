#include <sodium.h>

#include <array>

#include "picket/controller/render.hpp"

namespace picket::controller {

namespace {

// 80 bits: enough that no one can make a second key match while the admin
// and a member read the groups to each other, short enough to read aloud.
constexpr std::size_t kFingerprintBytes = 10;
constexpr std::size_t kGroupBytes = 2;

}  // namespace

// Format: five groups of four lowercase hex digits separated by single
// spaces, e.g. "6668 7aad f862 bd77 6c8f".
std::string key_fingerprint(const gateway::Key& key) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), key.bytes().data(), key.bytes().size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < kFingerprintBytes; ++i) {
    if (i != 0 && i % kGroupBytes == 0) text += ' ';
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

}  // namespace picket::controller
