#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "picket/controller/store.hpp"
#include "picket/gateway/key.hpp"
#include "state/backup_file.hpp"
#include "state/state_dir.hpp"

namespace picket::controller {

// Locked mode (picketd --locked). The state at rest is one file,
// picket.sealed: the gateway key and the whole database, in the encrypted
// backup format (Argon2id from the unlock passphrase, XChaCha20-Poly1305
// secretstream). Until an admin unlocks it, picketd holds no key and the
// interface no peers; once unlocked, the database lives in memory and every
// commit re-seals it (write beside, fdatasync, rename). The passphrase and
// the derived key are never written anywhere.

// A passphrase that does not open picket.sealed. Nothing was changed.
class UnlockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMinUnlockPassphrase = 12;

// Seals the in-memory store's image with the gateway key that matches the
// database's settings: the current key, or during a rotation the staged
// next key once the database names it.
class StateSealer {
 public:
  StateSealer(std::filesystem::path dir, backup::DerivedKey key, gateway::SecretKey current);

  // From now on every commit of `store` is sealed; seals once right away.
  void attach(Store& store);
  // Rotation: offer `next` before the commit that names its public key.
  void stage_next_key(const gateway::SecretKey& next) { next_ = next; }
  void drop_next_key() { next_.reset(); }
  // Panic wipe: nothing is sealed any more, so the shredded file stays gone.
  void stop() { stopped_ = true; }

 private:
  void seal(std::span<const std::uint8_t> image);

  std::filesystem::path dir_;
  backup::DerivedKey key_;
  gateway::SecretKey current_;
  std::optional<gateway::SecretKey> next_;
  Store* store_ = nullptr;
  bool stopped_ = false;
};

struct UnlockedState {
  State state;
  std::unique_ptr<StateSealer> sealer;
  // What unlocking did: opened picket.sealed, created it afresh, or sealed
  // the plain state that was in the directory (then shredded).
  enum class How { opened, created, converted } how = How::opened;
};

bool sealed_state_exists(const std::filesystem::path& state_dir);

// Opens picket.sealed with `passphrase` (UnlockError when it is wrong), or,
// when there is none, creates it under `passphrase`: from the plain state in
// the directory if there is one, else a new state seeded from `seed`.
// Throws std::invalid_argument for a passphrase shorter than
// kMinUnlockPassphrase when creating, std::runtime_error otherwise.
UnlockedState unlock_state(const StateSeed& seed, const std::string& passphrase);

}  // namespace picket::controller
