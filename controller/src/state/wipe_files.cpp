#include "state/wipe_files.hpp"

#include <sqlite3.h>

#include "common/attempt.hpp"
#include "state/state_files.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

std::vector<std::string> shred_all(const std::filesystem::path& dir) {
  std::vector<std::string> problems;
  for (const auto& file : secret_state_files(dir)) {
    attempt(problems, "shredding " + file.filename().string(), [&] { shred_file(file); });
  }
  attempt(problems, "syncing the state directory", [&] { sync_directory(dir); });
  return problems;
}

}  // namespace

void erase_database(Store& store) {
  sqlite3* db = store.handle();
  // Foreign keys would make the order of the deletes matter; off for this
  // connection, which is about to close anyway.
  sqlite::exec(db, "PRAGMA foreign_keys = OFF", "switching foreign keys off");
  std::vector<std::string> tables;
  {
    sqlite::Statement list(db,
                           "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite_%'",
                           "listing the tables");
    while (list.step()) tables.push_back(list.text(0));
  }
  Store::Transaction tx(store);
  for (const auto& table : tables) {
    // Names come from the schema, not from input; quoted as identifiers.
    std::string quoted = "\"";
    for (char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    sqlite::exec(db, ("DELETE FROM main." + quoted + "\"").c_str(), "erasing a table");
  }
  if (sqlite::query_int64(db,
                          "SELECT count(*) FROM main.sqlite_master WHERE name = 'sqlite_sequence'",
                          "looking for sqlite_sequence")
          .value_or(0) > 0) {
    sqlite::exec(db, "DELETE FROM main.sqlite_sequence", "erasing the id counters");
  }
  tx.commit();
  // FULL, not TRUNCATE: truncating would free the WAL's old frames unread
  // instead of letting the shredder overwrite them.
  const int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_FULL, nullptr, nullptr);
  if (rc != SQLITE_OK) sqlite::raise(db, rc, "checkpointing the erased database");
}

std::vector<std::string> finish_wipe(const std::filesystem::path& state_dir) {
  return shred_all(state_dir);
}

}  // namespace picket::controller
