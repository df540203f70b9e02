#include "state/locked_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "common/log.hpp"
#include "state/state_files.hpp"
#include "state/state_snapshot.hpp"
#include "store/storage_full.hpp"

namespace picket::controller {

namespace {

std::vector<std::uint8_t> read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

[[noreturn]] void fail_write(int error, const std::filesystem::path& file) {
  if (error == ENOSPC || error == EDQUOT) {
    throw StorageFullError(
        "the disk holding picketd's state directory is full; nothing was changed (free some space "
        "and try again)");
  }
  throw std::system_error(error, std::generic_category(), "cannot write " + file.string());
}

// Beside, synced, renamed over, directory synced: after a crash the file is
// the old state or the new one, never a mix.
void replace_file(const std::filesystem::path& dir, std::span<const std::uint8_t> bytes) {
  const auto temp = dir / kSealedStateTempFileName;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) fail_write(errno, temp);
  std::size_t done = 0;
  int error = 0;
  while (error == 0 && done < bytes.size()) {
    const auto wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0)
      error = wrote < 0 ? errno : EIO;
    else
      done += static_cast<std::size_t>(wrote);
  }
  if (error == 0 && ::fdatasync(fd) != 0) error = errno;
  ::close(fd);
  if (error == 0 && ::rename(temp.c_str(), (dir / kSealedStateFileName).c_str()) != 0)
    error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    fail_write(error, dir / kSealedStateFileName);
  }
  sync_directory(dir);
}

void check_key_matches(Store& store, const gateway::SecretKey& key) {
  const auto settings = store.settings();
  if (settings && !(settings->public_key == gateway::public_key_of(key))) {
    throw std::runtime_error(
        "the sealed state's gateway key does not match its settings; the file is damaged (restore "
        "a backup)");
  }
}

}  // namespace

StateSealer::StateSealer(std::filesystem::path dir, backup::DerivedKey key,
                         gateway::SecretKey current)
    : dir_(std::move(dir)), key_(std::move(key)), current_(current) {}

void StateSealer::attach(Store& store) {
  store_ = &store;
  store.seal_with([this](std::span<const std::uint8_t> image) { seal(image); });
}

void StateSealer::seal(std::span<const std::uint8_t> image) {
  if (stopped_) return;
  // The key that goes with this image is the one its settings name: after
  // the commit of a rotation that is the staged next key.
  const auto settings = store_->settings();
  const gateway::SecretKey* key = &current_;
  if (next_ && settings && settings->public_key == gateway::public_key_of(*next_)) key = &*next_;
  const auto payload = backup::encode_state(*key, image);
  const auto sealed = backup::seal(payload.span(), key_);
  replace_file(dir_, sealed);
  if (key != &current_) {
    current_ = *next_;
    next_.reset();
  }
}

bool sealed_state_exists(const std::filesystem::path& state_dir) {
  std::error_code ec;
  return std::filesystem::exists(state_dir / kSealedStateFileName, ec);
}

UnlockedState unlock_state(const StateSeed& seed, const std::string& passphrase) {
  const auto& dir = seed.state_dir;
  ensure_private_dir(dir);
  UnlockedState out;
  if (sealed_state_exists(dir)) {
    const auto file = read_whole(dir / kSealedStateFileName);
    backup::SecretBytes payload;
    std::optional<backup::DerivedKey> key;
    try {
      key.emplace(backup::DerivedKey::for_file(file, passphrase));
      payload = backup::open(file, *key);
    } catch (const backup::BackupError& e) {
      throw UnlockError(std::string("cannot open the sealed state: ") + e.what() +
                        "; picketd stays locked");
    }
    const auto decoded = backup::decode_state(payload.span());
    out.state.store = Store::in_memory(decoded.image);
    out.state.private_key = decoded.key;
    check_key_matches(*out.state.store, decoded.key);
    out.sealer = std::make_unique<StateSealer>(dir, std::move(*key), decoded.key);
    out.sealer->attach(*out.state.store);
    if (!out.state.store->settings()) {
      // A first unlock that stopped between sealing the empty database and
      // storing the settings.
      out.state.store->save_settings(
          initial_settings(seed, gateway::public_key_of(out.state.private_key)));
      out.state.first_start = true;
    }
    out.how = UnlockedState::How::opened;
    return out;
  }

  if (passphrase.size() < kMinUnlockPassphrase) {
    throw std::invalid_argument("the passphrase must have at least " +
                                std::to_string(kMinUnlockPassphrase) +
                                " characters; nothing was created");
  }
  if (std::filesystem::exists(dir / kDatabaseFileName)) {
    // Converting a plain state: read it as `picket backup` does, seal it,
    // and only then shred the plain files.
    const auto payload = backup::snapshot_state(dir);
    const auto decoded = backup::decode_state(payload.span());
    out.state.store = Store::in_memory(decoded.image);
    out.state.private_key = decoded.key;
    out.sealer =
        std::make_unique<StateSealer>(dir, backup::DerivedKey::derive(passphrase), decoded.key);
    out.sealer->attach(*out.state.store);
    for (const auto& file : secret_state_files(dir)) {
      const auto name = file.filename().string();
      if (name != kSealedStateFileName) shred_file(file);
    }
    sync_directory(dir);
    log_info("locked mode: the plain state was sealed and its files shredded");
    out.how = UnlockedState::How::converted;
    return out;
  }

  out.state.private_key = gateway::generate_private_key();
  // Validated before anything is written, as on a plain first start.
  const auto settings = initial_settings(seed, gateway::public_key_of(out.state.private_key));
  out.state.store = Store::in_memory({});
  out.sealer = std::make_unique<StateSealer>(dir, backup::DerivedKey::derive(passphrase),
                                             out.state.private_key);
  out.sealer->attach(*out.state.store);
  out.state.store->save_settings(settings);
  out.state.first_start = true;
  out.how = UnlockedState::How::created;
  return out;
}

}  // namespace picket::controller
