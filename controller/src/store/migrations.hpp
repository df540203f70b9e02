#pragma once

#include <sqlite3.h>

#include <span>

namespace picket::controller {

struct Migration {
  int version;      // the user_version the database has after it
  const char* sql;  // one or more statements
};

// Every migration in order. Append only: a released migration is never
// edited, since databases in the field already ran it.
std::span<const Migration> migrations();
int latest_schema_version();

// Brings the database up to latest_schema_version() in one transaction, so
// a crash or a failing step leaves the previous version intact. Throws
// StoreError when the database is newer than this binary.
void migrate(sqlite3* db);

}  // namespace picket::controller
