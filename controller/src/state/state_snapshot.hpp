#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "picket/gateway/key.hpp"
#include "state/backup_file.hpp"

namespace picket::controller::backup {

// What a backup holds, inside the encryption: the gateway private key and a
// consistent copy of the whole database (settings, members, devices with
// their preshared keys, firewall and DNS settings, admin accounts, audit
// trail). Encoded as "PKTSTATE", then records of a 1-byte type, an 8-byte
// little-endian length and the bytes: 1 = gateway key (32 bytes), 2 = SQLite
// database image.
struct StateCounts {
  std::size_t members = 0;
  std::size_t devices = 0;
};

// The payload's encoding, shared with locked mode's sealed state. decode
// checks the structure only (throws std::runtime_error); `image` points
// into `payload`.
struct DecodedState {
  gateway::SecretKey key;
  std::span<const std::uint8_t> image;
};
SecretBytes encode_state(const gateway::SecretKey& key, std::span<const std::uint8_t> image);
DecodedState decode_state(std::span<const std::uint8_t> payload);

// Reads the state directory without writing to it: the database through
// SQLite's online backup API (one read transaction, so a running picketd
// may keep changing it) and the key file, checked against each other.
// Throws std::runtime_error with a clear message.
SecretBytes snapshot_state(const std::filesystem::path& state_dir, StateCounts* counts = nullptr);

// Writes the payload into `state_dir`, which must hold no database (a fresh
// install, or picketd stopped and the old directory moved away). Checks the
// payload, writes temporaries, opens them as picketd would (running any
// schema migration), then renames them into place: a failure at any point
// leaves the directory as it was. Files are created as the directory's
// owner. Throws std::runtime_error.
StateCounts restore_state(std::span<const std::uint8_t> payload,
                          const std::filesystem::path& state_dir);

// Runs as the owner of `dir` (when root and the owner is another user) for
// its lifetime, so that files SQLite creates there (-wal, -shm) stay usable
// by picketd running as that user.
class AsOwnerOf {
 public:
  explicit AsOwnerOf(const std::filesystem::path& dir);
  ~AsOwnerOf();
  AsOwnerOf(const AsOwnerOf&) = delete;
  AsOwnerOf& operator=(const AsOwnerOf&) = delete;

 private:
  bool switched_ = false;
};

}  // namespace picket::controller::backup
