#include "store/durability.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "picket/controller/store.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

void install_revocation_triggers(sqlite3* db) {
  // TEMP objects live with this connection only, never in the file, and a
  // rolled-back transaction rolls the flag back with it.
  sqlite::exec(db,
               "CREATE TEMP TABLE revocation_pending (flag INTEGER PRIMARY KEY);"
               "CREATE TEMP TRIGGER revoke_on_device_delete AFTER DELETE ON main.devices "
               "BEGIN INSERT OR IGNORE INTO revocation_pending VALUES (1); END;"
               "CREATE TEMP TRIGGER revoke_on_device_update AFTER UPDATE ON main.devices "
               "BEGIN INSERT OR IGNORE INTO revocation_pending VALUES (1); END;"
               "CREATE TEMP TRIGGER revoke_on_member_delete AFTER DELETE ON main.members "
               "BEGIN INSERT OR IGNORE INTO revocation_pending VALUES (1); END;",
               "installing the revocation triggers");
}

namespace {

// Copies the WAL into the database and empties it. With synchronous=NORMAL
// SQLite syncs the WAL before and the database after a checkpoint, so the
// revocation is durable; and the WAL no longer holds the older copies of the
// pages that held the revoked device (secure_delete only zeroes the newest),
// so its key and label are gone from the files. Never waits for a reader (a
// running `picket backup`): false, and the caller syncs the WAL instead.
bool checkpoint_and_truncate(sqlite3* db) {
  sqlite3_busy_timeout(db, 0);
  int log_frames = 0, checkpointed = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
  sqlite3_busy_timeout(db, Store::kBusyTimeoutMs);
  return rc == SQLITE_OK;
}

}  // namespace

void sync_if_revoked(sqlite3* db) {
  // Locked mode's in-memory store has no WAL and no triggers: its sealer
  // writes every commit.
  if (sqlite3_table_column_metadata(db, "temp", "revocation_pending", "flag", nullptr, nullptr,
                                    nullptr, nullptr, nullptr) != SQLITE_OK)
    return;
  if (sqlite3_get_autocommit(db) == 0) return;  // the Transaction's commit will do it
  const auto pending = sqlite::query_int64(db, "SELECT count(*) FROM temp.revocation_pending",
                                           "checking for a revocation");
  if (pending.value_or(0) == 0) return;

  if (checkpoint_and_truncate(db)) {
    sqlite::exec(db, "DELETE FROM temp.revocation_pending", "clearing the revocation flag");
    return;
  }
  // A reader holds an old snapshot: the committed frames are already in the
  // WAL, and an fsync of it through any descriptor makes them durable.
  const char* wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  const int fd = ::open(wal, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fdatasync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw StoreError(std::string("the revocation is committed but could not be synced to disk (") +
                     std::strerror(error) + "); it may be lost if the server loses power now");
  }
  ::close(fd);
  sqlite::exec(db, "DELETE FROM temp.revocation_pending", "clearing the revocation flag");
}

}  // namespace picket::controller
