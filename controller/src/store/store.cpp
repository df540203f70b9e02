#include "picket/controller/store.hpp"

#include <memory>
#include <string>

#include "store/connection.hpp"
#include "store/durability.hpp"
#include "store/migrations.hpp"
#include "store/private_file.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DatabasePtr = std::unique_ptr<sqlite3, CloseDatabase>;

// File-backed connections add WAL and the synchronous mode to what
// configure_connection() sets for every connection.
void configure(sqlite3* db) {
  configure_connection(db);
  const auto mode = sqlite::query_text(db, "PRAGMA journal_mode = WAL", "enabling WAL");
  if (mode != "wal") {
    throw StoreError("the database cannot use write-ahead logging (journal mode stays '" +
                     mode.value_or("") + "'); keep it on a local file system");
  }
  // NORMAL, with revocations synced explicitly: see durability.hpp. FULL
  // measured 2.3-2.8 ms per device add on a VM disk against 0.6 ms.
  sqlite::exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous mode");
}

}  // namespace

void configure_connection(sqlite3* db) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, Store::kBusyTimeoutMs);
  // Defensive mode refuses writable_schema and similar footguns that could
  // corrupt the file from a stray SQL statement.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // Foreign keys are off by default in SQLite and cannot be switched inside a
  // transaction, so this must precede the migrations.
  sqlite::exec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys");
  // Deleted members and keys are overwritten on disk, not just unlinked from
  // the b-tree: a seized disk must not give back revoked members.
  sqlite::exec(db, "PRAGMA secure_delete = ON", "enabling secure_delete");
}

Store::Store(const std::filesystem::path& file) {
  const PrivateUmask umask;
  make_private_file(file);

  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
  DatabasePtr db(raw);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open the database " + file.string() + ": ";
    message += raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    throw StoreError(message);
  }
  configure(db.get());
  migrate(db.get());
  install_revocation_triggers(db.get());

  // Belt and braces: SQLite copies the main file's mode, but a -wal left by
  // an older run under a wider umask would keep its mode.
  tighten_if_present(file.string() + "-wal");
  tighten_if_present(file.string() + "-shm");
  db_ = db.release();
}

Store::~Store() {
  if (db_ != nullptr) sqlite::set_after_commit(db_, nullptr);
  sqlite3_close_v2(db_);
  forget_sealed_image(last_sealed_);
}

int Store::schema_version() {
  return static_cast<int>(
      sqlite::query_int64(db_, "PRAGMA user_version", "reading the schema version").value_or(0));
}

Store::Transaction::Transaction(Store& store) : store_(store) {
  if (sqlite3_get_autocommit(store_.db_) == 0) {
    throw StoreError("a transaction is already open on this store; transactions do not nest");
  }
  // IMMEDIATE takes the write lock now. A deferred transaction that reads
  // first and writes later can fail with SQLITE_BUSY at the write without
  // the busy timeout helping.
  sqlite::exec(store_.db_, "BEGIN IMMEDIATE", "starting a transaction");
}

Store::Transaction::~Transaction() {
  if (!done_) sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Store::Transaction::commit() {
  if (done_) throw StoreError("the transaction was already committed");
  sqlite::exec(store_.db_, "COMMIT", "committing a transaction");
  done_ = true;
  sync_if_revoked(store_.db_);
}

}  // namespace picket::controller
