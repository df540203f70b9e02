#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace picket::controller::backup {

// The encrypted backup file, version 1. Everything after the header is
// libsodium's crypto_secretstream_xchacha20poly1305 under a key derived from
// the passphrase with Argon2id (crypto_pwhash, ALG_ARGON2ID13):
//
//   offset size
//        0    8  magic "PICKETBK"
//        8    1  format version (1)
//        9    1  KDF algorithm (2 = crypto_pwhash_ALG_ARGON2ID13)
//       10    2  reserved, zero
//       12    8  Argon2id opslimit, little endian
//       20    8  Argon2id memlimit in bytes, little endian
//       28   16  salt
//       44   24  secretstream header
//       68       chunks: 4-byte little-endian ciphertext length, ciphertext
//
// The 68 header bytes are the additional data of the first chunk, so
// changing any of them (version, limits, salt) fails authentication. Each
// chunk holds up to 64 KiB of plaintext; the last carries TAG_FINAL, so a
// truncated file is detected, and bytes after it are refused.

inline constexpr std::size_t kHeaderSize = 68;
inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::size_t kChunkSize = 64 * 1024;

// Argon2id cost. 3 passes over 256 MiB (libsodium's "moderate") costs about
// a second on a small VPS and makes each passphrase guess as expensive.
struct KdfLimits {
  std::uint64_t opslimit = 3;
  std::uint64_t memlimit = 256ull * 1024 * 1024;
};
// What a reader accepts: a tampered header must not make it allocate
// gigabytes or spin for an hour before the tag check fails.
inline constexpr std::uint64_t kMaxOpslimit = 16;
inline constexpr std::uint64_t kMaxMemlimit = 1024ull * 1024 * 1024;

// A file that cannot be opened: not a backup, another version, wrong
// passphrase, tampered or truncated. The message says which and that
// nothing was changed.
class BackupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bytes that are wiped (sodium_memzero) when they go away.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  SecretBytes(SecretBytes&& other) noexcept = default;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::vector<std::uint8_t>& bytes() { return bytes_; }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  std::span<const std::uint8_t> span() const { return bytes_; }

 private:
  void wipe();
  std::vector<std::uint8_t> bytes_;
};

// A stream key derived from a passphrase with Argon2id, with the salt and
// limits it was derived with. Locked mode derives it once at unlock and
// seals the state many times under it: each file still gets a fresh random
// secretstream header, so no nonce repeats. Wiped when it goes away.
class DerivedKey {
 public:
  static constexpr std::size_t kSize = 32;
  static constexpr std::size_t kSaltSize = 16;

  // A fresh random salt. Throws BackupError when Argon2id lacks memory.
  static DerivedKey derive(const std::string& passphrase, const KdfLimits& limits = {});
  // The salt and limits of an existing file's header (checked as open()
  // checks them). Throws BackupError.
  static DerivedKey for_file(std::span<const std::uint8_t> file, const std::string& passphrase);

  DerivedKey(const DerivedKey&) = delete;
  DerivedKey& operator=(const DerivedKey&) = delete;
  DerivedKey(DerivedKey&& other) noexcept;
  DerivedKey& operator=(DerivedKey&&) = delete;
  ~DerivedKey();

  const std::uint8_t* key() const { return key_.data(); }
  const std::uint8_t* salt() const { return salt_.data(); }
  const KdfLimits& limits() const { return limits_; }

 private:
  DerivedKey() = default;
  std::array<std::uint8_t, kSize> key_{};
  std::array<std::uint8_t, kSaltSize> salt_{};
  KdfLimits limits_;
};

// Encrypts `plaintext` under `passphrase`. Fresh random salt every time.
std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext,
                               const std::string& passphrase, const KdfLimits& limits = {});
// Encrypts under an already derived key (its salt and limits go into the
// header, so open() with the passphrase reads the file too).
std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext, const DerivedKey& key);

// Decrypts a whole file. Throws BackupError.
SecretBytes open(std::span<const std::uint8_t> file, const std::string& passphrase);
// Decrypts with an already derived key; a file whose header names another
// salt or other limits fails as a wrong passphrase does.
SecretBytes open(std::span<const std::uint8_t> file, const DerivedKey& key);

}  // namespace picket::controller::backup
