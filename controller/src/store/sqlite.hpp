#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace picket::controller::sqlite {

// Throws the error for `rc` on `db`: ConflictError for a UNIQUE violation
// (with a message naming what is duplicated, never the value), StoreError
// otherwise, saying what was being done and what SQLite said.
[[noreturn]] void raise(sqlite3* db, int rc, std::string_view doing);

// Calls `after_commit` on this thread after a statement run through this
// file has committed a write transaction on `db` (an autocommit write, or
// COMMIT), once the statement is done: locked mode seals the in-memory
// database there. What it throws is thrown by the statement's step() or
// exec(). One per connection; an empty function removes it. SQLite's own
// commit hook cannot do this: it runs before the commit and may not use
// the connection.
void set_after_commit(sqlite3* db, std::function<void()> after_commit);

// Runs SQL without results (schema, PRAGMAs that return nothing, BEGIN/COMMIT).
void exec(sqlite3* db, const char* sql, std::string_view doing);

// One prepared statement. Bind indices are 1-based and column indices
// 0-based, as in SQLite. `doing` names the operation in error messages.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, std::string_view doing);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);
  // Binds without copying, so SQLite keeps no unwiped copy of a secret. The
  // bytes must stay alive until the statement is done.
  Statement& bind_secret(int index, std::span<const std::uint8_t> bytes);

  // True when a row is available, false when the statement is done.
  bool step();
  // Steps a statement that returns no rows.
  void run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::span<const std::uint8_t> blob(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string doing_;
};

// The first column of the first row, for PRAGMA queries and aggregates.
std::optional<std::int64_t> query_int64(sqlite3* db, std::string_view sql, std::string_view doing);
std::optional<std::string> query_text(sqlite3* db, std::string_view sql, std::string_view doing);

}  // namespace picket::controller::sqlite
