#include "store/sqlite.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "picket/controller/store.hpp"
#include "store/conflicts.hpp"
#include "store/storage_full.hpp"

namespace picket::controller::sqlite {

namespace {

struct AfterCommit {
  std::function<void()> call;
  bool committed = false;
};

// Few connections ever register (one in-memory store per process), so a
// small locked map is enough. Every statement asks, so the common
// file-backed case answers from an atomic count without taking the lock.
std::mutex registry_mutex;
std::map<sqlite3*, std::unique_ptr<AfterCommit>> registry;
std::atomic<std::size_t> registered{0};

int on_commit(void* entry) {
  static_cast<AfterCommit*>(entry)->committed = true;
  return 0;  // let it commit
}

void after_statement(sqlite3* db) {
  if (registered.load(std::memory_order_acquire) == 0) return;
  AfterCommit* entry = nullptr;
  {
    const std::lock_guard lock(registry_mutex);
    const auto found = registry.find(db);
    if (found == registry.end()) return;
    entry = found->second.get();
  }
  if (!entry->committed || sqlite3_get_autocommit(db) == 0) return;
  entry->committed = false;
  entry->call();
}

}  // namespace

void set_after_commit(sqlite3* db, std::function<void()> after_commit) {
  const std::lock_guard lock(registry_mutex);
  if (!after_commit) {
    sqlite3_commit_hook(db, nullptr, nullptr);
    registry.erase(db);
    registered.store(registry.size(), std::memory_order_release);
    return;
  }
  auto entry = std::make_unique<AfterCommit>();
  entry->call = std::move(after_commit);
  sqlite3_commit_hook(db, on_commit, entry.get());
  registry[db] = std::move(entry);
  registered.store(registry.size(), std::memory_order_release);
}

void raise(sqlite3* db, int rc, std::string_view doing) {
  // Prefer the connection's extended code: step() may hand back only the
  // primary one, and UNIQUE must be told apart from CHECK and FOREIGN KEY.
  const int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw ConflictError(conflict_message(message));
  }
  if ((code & 0xff) == SQLITE_FULL) {
    throw StorageFullError(
        "the disk holding picketd's state directory is full; nothing was changed (free some space "
        "and try again)");
  }
  std::string what = "database error while ";
  what += doing;
  what += ": ";
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY) {
    what += "it refers to a member that does not exist";
  } else {
    what += message;
  }
  throw StoreError(what);
}

void exec(sqlite3* db, const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) raise(db, rc, doing);
  after_statement(db);
}

Statement::Statement(sqlite3* db, std::string_view sql, std::string_view doing)
    : db_(db), doing_(doing) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) raise(db, rc, doing);
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) raise(db_, rc, doing_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: the caller's buffer may be a temporary.
  const int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) raise(db_, rc, doing_);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  const int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) raise(db_, rc, doing_);
  return *this;
}

Statement& Statement::bind_secret(int index, std::span<const std::uint8_t> bytes) {
  const int rc =
      sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) raise(db_, rc, doing_);
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) raise(db_, rc, doing_);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    // Reset first: the hook may replace the database, which an active
    // statement would block.
    sqlite3_reset(stmt_);
    after_statement(db_);
    return false;
  }
  raise(db_, rc, doing_);
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::span<const std::uint8_t> Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(size)};
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<std::int64_t> query_int64(sqlite3* db, std::string_view sql, std::string_view doing) {
  Statement statement(db, sql, doing);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return statement.int64(0);
}

std::optional<std::string> query_text(sqlite3* db, std::string_view sql, std::string_view doing) {
  Statement statement(db, sql, doing);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return statement.text(0);
}

}  // namespace picket::controller::sqlite
