// The encrypted backup format: a round trip, and every way a file can be
// wrong failing with its own clear message. Argon2id runs at libsodium's
// minimum cost here; the format records the cost, so readers do not care.
#include "state/backup_file.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace picket::controller::backup;

namespace {

const KdfLimits kFast{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
const std::string kPassphrase = "correct horse battery staple";

std::vector<std::uint8_t> sample(std::size_t size) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return out;
}

std::string error_of(const std::vector<std::uint8_t>& file, const std::string& passphrase) {
  try {
    (void)open(file, passphrase);
  } catch (const BackupError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("backup file: round trip for empty, small and multi-chunk contents", "[backup]") {
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{1}, kChunkSize, kChunkSize + 1, 3 * kChunkSize + 17}) {
    INFO(size);
    const auto plain = sample(size);
    const auto file = seal(plain, kPassphrase, kFast);
    CHECK(file.size() > kHeaderSize);
    CHECK(open(file, kPassphrase).bytes() == plain);
  }
}

TEST_CASE("backup file: the header records version, Argon2id and its limits", "[backup]") {
  const auto file = seal(sample(10), kPassphrase, kFast);
  CHECK(std::string(file.begin(), file.begin() + 8) == "PICKETBK");
  CHECK(file[8] == 1);
  CHECK(file[9] == crypto_pwhash_ALG_ARGON2ID13);
  CHECK(file[12] == crypto_pwhash_OPSLIMIT_MIN);
  // A fresh salt each time: two backups of the same state differ entirely.
  const auto again = seal(sample(10), kPassphrase, kFast);
  CHECK(std::vector<std::uint8_t>(file.begin() + 28, file.begin() + 44) !=
        std::vector<std::uint8_t>(again.begin() + 28, again.begin() + 44));
}

TEST_CASE("backup file: a wrong passphrase fails cleanly", "[backup]") {
  const auto file = seal(sample(100), kPassphrase, kFast);
  const auto error = error_of(file, kPassphrase + "!");
  CHECK_THAT(error, Catch::Contains("wrong passphrase"));
  CHECK_THAT(error, Catch::Contains("nothing was changed"));
}

TEST_CASE("backup file: any flipped byte fails authentication", "[backup]") {
  const auto file = seal(sample(2 * kChunkSize + 5), kPassphrase, kFast);
  // Every byte of the header (salt, limits, stream header: authenticated or
  // feeding the key), plus bytes in the first, a middle and the last chunk.
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < kHeaderSize; ++i) positions.push_back(i);
  for (std::size_t i : {kHeaderSize + 4, kHeaderSize + 100, file.size() / 2, file.size() - 1})
    positions.push_back(i);
  for (const auto position : positions) {
    INFO("byte " << position);
    auto tampered = file;
    tampered[position] ^= 0x01;
    CHECK_FALSE(error_of(tampered, kPassphrase).empty());
  }
  auto middle = file;
  middle[kHeaderSize + 4 + kChunkSize + 17 + 4 + 100] ^= 0x80;  // inside the second chunk
  CHECK_THAT(error_of(middle, kPassphrase), Catch::Contains("chunk 2 fails authentication"));
}

TEST_CASE("backup file: truncation anywhere is detected", "[backup]") {
  const auto file = seal(sample(kChunkSize + 100), kPassphrase, kFast);
  const std::size_t second_chunk = kHeaderSize + 4 + kChunkSize + 17;
  for (const std::size_t length :
       {std::size_t{0}, std::size_t{5}, kHeaderSize - 1, kHeaderSize, kHeaderSize + 2,
        kHeaderSize + 500, second_chunk, second_chunk + 3, file.size() - 1}) {
    INFO("cut at " << length);
    const std::vector<std::uint8_t> cut(file.begin(), file.begin() + static_cast<long>(length));
    const auto error = error_of(cut, kPassphrase);
    CHECK_FALSE(error.empty());
    if (length >= kHeaderSize) CHECK_THAT(error, Catch::Contains("truncated"));
  }
  // Cut exactly after a chunk boundary: authentic chunks, but no final one.
  const std::vector<std::uint8_t> first_only(file.begin(),
                                             file.begin() + static_cast<long>(second_chunk));
  CHECK_THAT(error_of(first_only, kPassphrase), Catch::Contains("truncated"));
}

TEST_CASE("backup file: bytes after the end are refused", "[backup]") {
  auto file = seal(sample(10), kPassphrase, kFast);
  file.push_back(0);
  CHECK_THAT(error_of(file, kPassphrase), Catch::Contains("after its end"));
}

TEST_CASE("backup file: other versions and foreign files are named as such", "[backup]") {
  auto file = seal(sample(10), kPassphrase, kFast);
  auto newer = file;
  newer[8] = 2;
  CHECK_THAT(error_of(newer, kPassphrase), Catch::Contains("format version 2"));
  CHECK_THAT(error_of(std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'}, kPassphrase),
             Catch::Contains("not a Picket backup"));
  // A tampered header may not make the reader allocate gigabytes first.
  auto greedy = file;
  greedy[27] = 0x10;  // memlimit's top byte
  CHECK_THAT(error_of(greedy, kPassphrase), Catch::Contains("out of range"));
}
