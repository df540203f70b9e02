#include "state/state_snapshot.hpp"

#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "picket/controller/store.hpp"
#include "state/state_files.hpp"
#include "store/migrations.hpp"
#include "store/private_file.hpp"
#include "store/sqlite.hpp"

namespace picket::controller::backup {

namespace {

constexpr char kPayloadMagic[] = "PKTSTATE";
constexpr std::size_t kPayloadMagicSize = 8;
constexpr std::uint8_t kRecordKey = 1;
constexpr std::uint8_t kRecordDatabase = 2;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Db open_db(const std::string& name, int flags, const std::string& what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &raw, flags | SQLITE_OPEN_NOFOLLOW, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("cannot open " + what + ": " +
                             (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, Store::kBusyTimeoutMs);
  return db;
}

void copy_database(sqlite3* from, sqlite3* to, const std::string& doing) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) throw std::runtime_error(doing + ": " + sqlite3_errmsg(to));
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE || finish != SQLITE_OK) {
    throw std::runtime_error(doing + ": " + sqlite3_errstr(step != SQLITE_DONE ? step : finish));
  }
}

// Bytes 18 and 19 of a database header say "WAL" (2) or "rollback" (1).
// An in-memory database cannot be in WAL mode, so images travel as
// rollback; picketd switches the restored file back to WAL when it opens it.
void mark_rollback_journal(std::vector<std::uint8_t>& image) {
  if (image.size() >= 100) image[18] = image[19] = 1;
}

void append_record(std::vector<std::uint8_t>& out, std::uint8_t type,
                   std::span<const std::uint8_t> bytes) {
  out.push_back(type);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(bytes.size() >> (8 * i)));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

StateCounts counts_of(sqlite3* db) {
  StateCounts counts;
  counts.members = static_cast<std::size_t>(
      sqlite::query_int64(db, "SELECT count(*) FROM members", "counting members").value_or(0));
  counts.devices = static_cast<std::size_t>(
      sqlite::query_int64(db, "SELECT count(*) FROM devices", "counting devices").value_or(0));
  return counts;
}

// The image must be a Picket database this release can open, whose gateway
// public key belongs to `key`.
void check_image(sqlite3* db, const gateway::SecretKey& key) {
  const auto check = sqlite::query_text(db, "PRAGMA quick_check", "checking the database");
  if (check != "ok") throw std::runtime_error("the database in the backup is damaged");
  const auto version =
      sqlite::query_int64(db, "PRAGMA user_version", "reading the schema version").value_or(0);
  if (version < 1) throw std::runtime_error("the backup holds no Picket database");
  if (version > latest_schema_version()) {
    throw std::runtime_error("the backup was written by a newer Picket (schema version " +
                             std::to_string(version) + "); restore it with that release");
  }
  const auto stored = sqlite::query_text(db, "SELECT public_key FROM settings WHERE id = 1",
                                         "reading the settings");
  if (!stored) throw std::runtime_error("the backup holds no gateway settings");
  if (*stored != gateway::public_key_of(key).base64()) {
    throw std::runtime_error(
        "the gateway key does not match the database's public key (was the key rotated while "
        "the backup ran?); try again");
  }
}

}  // namespace

DecodedState decode_state(std::span<const std::uint8_t> payload) {
  if (payload.size() < kPayloadMagicSize ||
      std::memcmp(payload.data(), kPayloadMagic, kPayloadMagicSize) != 0) {
    throw std::runtime_error("the backup's contents are not a Picket state");
  }
  DecodedState out;
  bool have_key = false;
  bool have_image = false;
  std::size_t offset = kPayloadMagicSize;
  while (offset < payload.size()) {
    if (payload.size() - offset < 9)
      throw std::runtime_error("the backup's contents are cut short");
    const std::uint8_t type = payload[offset];
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | payload[offset + 1 + i];
    offset += 9;
    if (length > payload.size() - offset)
      throw std::runtime_error("the backup's contents are cut short");
    const auto bytes = payload.subspan(offset, length);
    offset += length;
    if (type == kRecordKey && !have_key && length == gateway::kKeySize) {
      gateway::KeyBytes raw{};
      std::copy(bytes.begin(), bytes.end(), raw.begin());
      out.key = gateway::SecretKey(raw);
      sodium_memzero(raw.data(), raw.size());
      have_key = true;
    } else if (type == kRecordDatabase && !have_image) {
      out.image = bytes;
      have_image = true;
    } else {
      throw std::runtime_error("the backup's contents hold an unknown or repeated record");
    }
  }
  if (!have_key || !have_image)
    throw std::runtime_error("the backup lacks the gateway key or the database");
  return out;
}

SecretBytes encode_state(const gateway::SecretKey& key, std::span<const std::uint8_t> image) {
  SecretBytes payload;
  payload.bytes().reserve(kPayloadMagicSize + 2 * 9 + gateway::kKeySize + image.size());
  payload.bytes().assign(kPayloadMagic, kPayloadMagic + kPayloadMagicSize);
  append_record(payload.bytes(), kRecordKey, key.bytes());
  append_record(payload.bytes(), kRecordDatabase, image);
  return payload;
}

AsOwnerOf::AsOwnerOf(const std::filesystem::path& dir) {
  struct stat info {};
  if (::geteuid() != 0 || ::stat(dir.c_str(), &info) != 0 || info.st_uid == 0) return;
  if (::setegid(info.st_gid) != 0 || ::seteuid(info.st_uid) != 0) {
    const int error = errno;
    (void)!::setegid(0);
    throw std::system_error(error, std::generic_category(),
                            "cannot act as the owner of " + dir.string());
  }
  switched_ = true;
}

AsOwnerOf::~AsOwnerOf() {
  if (!switched_) return;
  // Back to root; failing here would leave the CLI crippled, not unsafe.
  (void)!::seteuid(0);
  (void)!::setegid(0);
}

SecretBytes snapshot_state(const std::filesystem::path& state_dir, StateCounts* counts) {
  const auto db_file = state_dir / kDatabaseFileName;
  if (!std::filesystem::exists(db_file)) {
    throw std::runtime_error("there is no database at " + db_file.string() +
                             "; give picketd's --state-dir with --state-dir");
  }
  const AsOwnerOf owner(state_dir);
  const PrivateUmask umask;
  const auto key = read_key_file(state_dir / kGatewayKeyFileName);
  // Read-write but query_only: a read-only connection to a WAL database
  // with picketd stopped would leave new -wal and -shm files behind, where
  // the last read-write connection to close removes them again.
  auto source =
      open_db(db_file.string(), SQLITE_OPEN_READWRITE, "the database " + db_file.string());
  sqlite::exec(source.get(), "PRAGMA query_only = 1", "making the connection read-only");
  auto memory = open_db(":memory:", SQLITE_OPEN_READWRITE, "an in-memory database");
  sqlite::exec(memory.get(), "PRAGMA secure_delete = ON", "enabling secure_delete");
  copy_database(source.get(), memory.get(), "copying the database");
  source.reset();
  check_image(memory.get(), key);
  if (counts != nullptr) *counts = counts_of(memory.get());
  // Free pages hold nothing (secure_delete) but need not travel.
  sqlite::exec(memory.get(), "VACUUM", "compacting the copy");

  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(memory.get(), "main", &size, 0);
  if (data == nullptr) throw std::runtime_error("cannot serialise the database copy");
  std::vector<std::uint8_t> image(data, data + size);
  sodium_memzero(data, static_cast<std::size_t>(size));
  sqlite3_free(data);
  mark_rollback_journal(image);

  auto payload = encode_state(key, image);
  sodium_memzero(image.data(), image.size());
  return payload;
}

StateCounts restore_state(std::span<const std::uint8_t> payload,
                          const std::filesystem::path& state_dir) {
  const auto parsed = decode_state(payload);
  if (!std::filesystem::exists(state_dir)) {
    std::filesystem::create_directories(state_dir);
    std::filesystem::permissions(state_dir, std::filesystem::perms::owner_all);
  }
  const auto db_file = state_dir / kDatabaseFileName;
  for (const auto& name :
       {std::string(kDatabaseFileName), std::string(kDatabaseFileName) + "-wal"}) {
    if (std::filesystem::exists(state_dir / name)) {
      throw std::runtime_error(
          state_dir.string() +
          " already holds a database; restore only into an empty state directory (stop picketd "
          "and move the directory away, or use a new --state-dir); nothing was changed");
    }
  }
  // No PrivateUmask here: Store takes it (it does not nest), and every file
  // this writes is created 0600 explicitly or inherits that from picket.db.
  const AsOwnerOf owner(state_dir);

  // Check everything in memory before a file is written.
  auto memory = open_db(":memory:", SQLITE_OPEN_READWRITE, "an in-memory database");
  const auto size = parsed.image.size();
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(size));
  if (copy == nullptr) throw std::runtime_error("out of memory for the database image");
  std::copy(parsed.image.begin(), parsed.image.end(), copy);
  if (size >= 100) copy[18] = copy[19] = 1;
  const int rc =
      sqlite3_deserialize(memory.get(), "main", copy, static_cast<sqlite3_int64>(size),
                          static_cast<sqlite3_int64>(size),
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) throw std::runtime_error("the database in the backup cannot be loaded");
  check_image(memory.get(), parsed.key);
  const auto counts = counts_of(memory.get());

  const auto temp_db = state_dir / (std::string(kRestorePrefix) + kDatabaseFileName);
  const auto temp_key = state_dir / (std::string(kRestorePrefix) + kGatewayKeyFileName);
  auto remove_temporaries = [&] {
    for (const auto& file : secret_state_files(state_dir)) {
      if (file.filename().string().rfind(kRestorePrefix, 0) != 0) continue;
      try {
        shred_file(file);
      } catch (const std::exception&) {
        // Best effort; the error that brought us here is the one to report.
      }
    }
  };
  remove_temporaries();  // left by an interrupted restore
  try {
    make_private_file(temp_db);
    {
      auto target = open_db(temp_db.string(), SQLITE_OPEN_READWRITE, temp_db.string());
      copy_database(memory.get(), target.get(), "writing the restored database");
    }
    memory.reset();
    // Opened as picketd opens it: WAL on, migrations to this release's schema.
    { const Store check(temp_db); }
    write_key_file(temp_key, parsed.key);
    // A gateway.key without a database is what an interrupted first start
    // leaves behind; picketd would replace it anyway.
    shred_file(state_dir / kGatewayKeyFileName);
    std::filesystem::rename(temp_key, state_dir / kGatewayKeyFileName);
    std::filesystem::rename(temp_db, db_file);
    sync_directory(state_dir);
  } catch (...) {
    remove_temporaries();
    throw;
  }
  return counts;
}

}  // namespace picket::controller::backup
