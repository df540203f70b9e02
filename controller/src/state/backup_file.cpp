#include "state/backup_file.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace picket::controller::backup {

namespace {

constexpr std::array<std::uint8_t, 8> kMagic{'P', 'I', 'C', 'K', 'E', 'T', 'B', 'K'};
constexpr std::uint8_t kKdfArgon2id = crypto_pwhash_ALG_ARGON2ID13;
constexpr std::size_t kSaltOffset = 28;
constexpr std::size_t kStreamHeaderOffset = 44;
constexpr std::size_t kMaxCiphertextChunk =
    kChunkSize + crypto_secretstream_xchacha20poly1305_ABYTES;

static_assert(crypto_pwhash_SALTBYTES == 16);
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == 24);
static_assert(kStreamHeaderOffset + 24 == kHeaderSize);

void put_u64(std::uint8_t* out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint32_t get_u32(const std::uint8_t* in) {
  return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
         static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

void derive_into(std::uint8_t* key, const std::string& passphrase, const std::uint8_t* salt,
                 std::uint64_t opslimit, std::uint64_t memlimit) {
  if (crypto_pwhash(key, DerivedKey::kSize, passphrase.data(), passphrase.size(), salt, opslimit,
                    static_cast<std::size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw BackupError("the key derivation ran out of memory (Argon2id needs " +
                      std::to_string(memlimit / (1024 * 1024)) +
                      " MiB); free some memory and try again");
  }
}

const char* const kNothingChanged = "; nothing was changed";

}  // namespace

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  wipe();
}

void SecretBytes::wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

DerivedKey::DerivedKey(DerivedKey&& other) noexcept
    : key_(other.key_), salt_(other.salt_), limits_(other.limits_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

DerivedKey::~DerivedKey() {
  sodium_memzero(key_.data(), key_.size());
}

DerivedKey DerivedKey::derive(const std::string& passphrase, const KdfLimits& limits) {
  if (sodium_init() < 0) throw BackupError("libsodium cannot initialise");
  if (limits.opslimit < crypto_pwhash_OPSLIMIT_MIN || limits.opslimit > kMaxOpslimit ||
      limits.memlimit < crypto_pwhash_MEMLIMIT_MIN || limits.memlimit > kMaxMemlimit) {
    throw std::invalid_argument("the Argon2id limits are out of the range a reader accepts");
  }
  DerivedKey out;
  out.limits_ = limits;
  randombytes_buf(out.salt_.data(), out.salt_.size());
  derive_into(out.key_.data(), passphrase, out.salt_.data(), limits.opslimit, limits.memlimit);
  return out;
}

namespace {

// The header checks shared by open() and for_file(): returns the limits.
KdfLimits check_header(std::span<const std::uint8_t> file) {
  if (sodium_init() < 0) throw BackupError("libsodium cannot initialise");
  if (file.size() < kMagic.size() || !std::equal(kMagic.begin(), kMagic.end(), file.begin())) {
    throw BackupError(std::string("this is not a Picket backup file") + kNothingChanged);
  }
  if (file.size() < kHeaderSize) {
    throw BackupError(std::string("the backup is truncated (its header is incomplete)") +
                      kNothingChanged);
  }
  if (file[8] != kFormatVersion) {
    throw BackupError("the backup has format version " + std::to_string(file[8]) +
                      " but this Picket reads version " + std::to_string(kFormatVersion) +
                      "; restore it with the Picket release that wrote it" + kNothingChanged);
  }
  const KdfLimits limits{get_u64(&file[12]), get_u64(&file[20])};
  if (file[9] != kKdfArgon2id || file[10] != 0 || file[11] != 0 ||
      limits.opslimit < crypto_pwhash_OPSLIMIT_MIN || limits.opslimit > kMaxOpslimit ||
      limits.memlimit < crypto_pwhash_MEMLIMIT_MIN || limits.memlimit > kMaxMemlimit) {
    throw BackupError(
        std::string("the backup's header names an unknown key derivation or limits out of range; "
                    "the file is damaged or was tampered with") +
        kNothingChanged);
  }
  return limits;
}

}  // namespace

DerivedKey DerivedKey::for_file(std::span<const std::uint8_t> file, const std::string& passphrase) {
  DerivedKey out;
  out.limits_ = check_header(file);
  std::copy_n(&file[kSaltOffset], out.salt_.size(), out.salt_.begin());
  derive_into(out.key_.data(), passphrase, out.salt_.data(), out.limits_.opslimit,
              out.limits_.memlimit);
  return out;
}

std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext,
                               const std::string& passphrase, const KdfLimits& limits) {
  return seal(plaintext, DerivedKey::derive(passphrase, limits));
}

std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext, const DerivedKey& key) {
  if (sodium_init() < 0) throw BackupError("libsodium cannot initialise");
  std::vector<std::uint8_t> out(kHeaderSize, 0);
  out.reserve(kHeaderSize + plaintext.size() +
              (plaintext.size() / kChunkSize + 1) *
                  (4 + crypto_secretstream_xchacha20poly1305_ABYTES));
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[8] = kFormatVersion;
  out[9] = kKdfArgon2id;
  put_u64(&out[12], key.limits().opslimit);
  put_u64(&out[20], key.limits().memlimit);
  std::copy_n(key.salt(), DerivedKey::kSaltSize, &out[kSaltOffset]);

  crypto_secretstream_xchacha20poly1305_state state;
  crypto_secretstream_xchacha20poly1305_init_push(&state, &out[kStreamHeaderOffset], key.key());
  const std::vector<std::uint8_t> header(out.begin(), out.end());
  std::size_t offset = 0;
  bool first = true;
  do {
    const std::size_t length = std::min(kChunkSize, plaintext.size() - offset);
    const bool last = offset + length == plaintext.size();
    const std::size_t cipher_length = length + crypto_secretstream_xchacha20poly1305_ABYTES;
    put_u32(out, static_cast<std::uint32_t>(cipher_length));
    const std::size_t at = out.size();
    out.resize(at + cipher_length);
    crypto_secretstream_xchacha20poly1305_push(
        &state, &out[at], nullptr, plaintext.data() + offset, length,
        first ? header.data() : nullptr, first ? header.size() : 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    offset += length;
    first = false;
  } while (offset < plaintext.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

SecretBytes open(std::span<const std::uint8_t> file, const std::string& passphrase) {
  return open(file, DerivedKey::for_file(file, passphrase));
}

SecretBytes open(std::span<const std::uint8_t> file, const DerivedKey& key) {
  const auto limits = check_header(file);
  // Another salt or other limits: this key cannot be the file's. The same
  // message as a failed tag, so nothing is learnt about which it was.
  if (limits.opslimit != key.limits().opslimit || limits.memlimit != key.limits().memlimit ||
      sodium_memcmp(&file[kSaltOffset], key.salt(), DerivedKey::kSaltSize) != 0) {
    throw BackupError(std::string("wrong passphrase, or the backup file was modified (it fails "
                                  "authentication)") +
                      kNothingChanged);
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, &file[kStreamHeaderOffset],
                                                      key.key()) != 0) {
    throw BackupError(std::string("the backup's stream header is invalid") + kNothingChanged);
  }
  SecretBytes plain;
  // Never reallocate: a moved-from buffer would be freed unwiped. The
  // plaintext is shorter than the file.
  plain.bytes().reserve(file.size());
  std::size_t offset = kHeaderSize;
  bool final_seen = false;
  std::size_t chunk = 0;
  while (!final_seen) {
    if (file.size() - offset < 4) {
      throw BackupError(std::string("the backup is truncated: it ends before its last chunk") +
                        kNothingChanged);
    }
    const std::uint32_t length = get_u32(&file[offset]);
    offset += 4;
    if (length < crypto_secretstream_xchacha20poly1305_ABYTES || length > kMaxCiphertextChunk) {
      throw BackupError(std::string("the backup is damaged or was tampered with (a chunk length is "
                                    "impossible)") +
                        kNothingChanged);
    }
    if (file.size() - offset < length) {
      throw BackupError(std::string("the backup is truncated: it ends inside a chunk") +
                        kNothingChanged);
    }
    const std::size_t at = plain.bytes().size();
    plain.bytes().resize(at + length - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned char tag = 0;
    const bool first = chunk == 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &state, plain.bytes().data() + at, nullptr, &tag, &file[offset], length,
            first ? file.data() : nullptr, first ? kHeaderSize : 0) != 0) {
      sodium_memzero(&state, sizeof state);
      if (first) {
        throw BackupError(std::string("wrong passphrase, or the backup file was modified (it fails "
                                      "authentication)") +
                          kNothingChanged);
      }
      throw BackupError("the backup was modified or is damaged (chunk " +
                        std::to_string(chunk + 1) + " fails authentication)" + kNothingChanged);
    }
    offset += length;
    ++chunk;
    final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  sodium_memzero(&state, sizeof state);
  if (offset != file.size()) {
    throw BackupError(std::string("the backup has bytes after its end; it was tampered with") +
                      kNothingChanged);
  }
  return plain;
}

}  // namespace picket::controller::backup
