#include "daemon/seizure_runtime.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "daemon/attempt.hpp"
#include "daemon/log.hpp"
#include "daemon/state_files.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

std::atomic<bool> wipe_requested{false};

// Long enough for the answer to leave over the unix socket or HTTP; the
// wipe itself is already done when the timer starts.
constexpr auto kStopDelay = std::chrono::seconds(1);

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

std::vector<std::string> SeizureRuntime::wipe() {
  wipe_requested = true;
  log_info("panic wipe: removing peers, interface, firewall table, database and keys");
  std::vector<std::string> problems;
  // Members first: whatever fails later, nobody is connected any more.
  attempt(problems, "removing the peers and the interface", [&] { service_.wipe_interface(); });
  attempt(problems, "removing the firewall table", [&] { firewall_.remove_table_now(); });
  if (sealer_ != nullptr) sealer_->stop();
  attempt(problems, "erasing the database", [&] { erase_database(store_); });
  for (auto& problem : shred_all(state_dir_)) problems.push_back(std::move(problem));
  for (const auto& problem : problems) log_error("panic wipe: " + problem);
  log_info(problems.empty() ? "panic wipe: done; stopping"
                            : "panic wipe: finished with errors; stopping");
  stop_timer_.expires_after(kStopDelay);
  stop_timer_.async_wait([this](boost::system::error_code) { io_.stop(); });
  return problems;
}

Settings SeizureRuntime::rotate_key() {
  if (sealer_ != nullptr) {
    // Locked mode: the commit that names the new public key seals the new
    // private key with it, in one file; no key file is written.
    const auto next = gateway::generate_private_key();
    sealer_->stage_next_key(next);
    try {
      auto settings = service_.rotate_key(next);
      log_info("gateway key rotated; every device must be reissued");
      return settings;
    } catch (...) {
      sealer_->drop_next_key();
      throw;
    }
  }
  const auto next_file = state_dir_ / kNextGatewayKeyFileName;
  shred_file(next_file);  // left by an interrupted rotation that never committed
  const auto next = gateway::generate_private_key();
  write_key_file(next_file, next);
  Settings settings;
  try {
    settings = service_.rotate_key(next);
  } catch (...) {
    try {
      shred_file(next_file);
    } catch (const std::exception&) {
      // finish_interrupted_rotation removes it at the next start.
    }
    throw;
  }
  // The database names the new key from here on; a crash before this rename
  // is finished at the next start (finish_interrupted_rotation).
  replace_gateway_key(state_dir_);
  log_info("gateway key rotated; every device must be reissued");
  return settings;
}

bool wipe_was_requested() {
  return wipe_requested;
}

std::vector<std::string> finish_wipe(const std::filesystem::path& state_dir) {
  return shred_all(state_dir);
}

}  // namespace picket::controller
