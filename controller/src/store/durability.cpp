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

void sync_if_revoked(sqlite3* db) {
  if (sqlite3_get_autocommit(db) == 0) return;  // the Transaction's commit will do it
  const auto pending = sqlite::query_int64(db, "SELECT count(*) FROM temp.revocation_pending",
                                           "checking for a revocation");
  if (pending.value_or(0) == 0) return;

  // The committed frames are already written to the WAL; an fsync of the
  // file through any descriptor makes them durable.
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
