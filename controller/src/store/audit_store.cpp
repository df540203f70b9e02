#include "store/audit_store.hpp"

#include "store/clock.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

constexpr const char* kWhere =
    " WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR instr(target, ?2) > 0)";

void bind_filter(sqlite::Statement& statement, const AuditQuery& query) {
  if (query.actor)
    statement.bind(1, *query.actor);
  else
    statement.bind_null(1);
  if (query.search)
    statement.bind(2, *query.search);
  else
    statement.bind_null(2);
}

}  // namespace

void AuditStore::record(std::string_view actor, std::string_view action, std::string_view target) {
  const auto now = unix_now();
  sqlite::Statement insert(
      store_.handle(), "INSERT INTO audit_log (at, actor, action, target) VALUES (?1, ?2, ?3, ?4)",
      "recording an audit entry");
  insert.bind(1, now).bind(2, actor).bind(3, action).bind(4, target);
  insert.run();
  prune(now);
}

void AuditStore::prune(std::int64_t now) {
  sqlite::Statement remove(store_.handle(), "DELETE FROM audit_log WHERE at < ?1",
                           "pruning the audit trail");
  remove.bind(1, now - std::int64_t{retention_days()} * 86400);
  remove.run();
}

std::vector<AuditEntry> AuditStore::list(const AuditQuery& query) {
  sqlite::Statement select(store_.handle(),
                           std::string("SELECT id, at, actor, action, target FROM audit_log") +
                               kWhere + " ORDER BY id DESC LIMIT ?3 OFFSET ?4",
                           "reading the audit trail");
  bind_filter(select, query);
  select.bind(3, query.limit ? static_cast<std::int64_t>(*query.limit) : std::int64_t{-1});
  select.bind(4, static_cast<std::int64_t>(query.offset));
  std::vector<AuditEntry> out;
  while (select.step()) {
    out.push_back(
        {select.int64(0), select.int64(1), select.text(2), select.text(3), select.text(4)});
  }
  return out;
}

std::size_t AuditStore::count(const AuditQuery& query) {
  sqlite::Statement select(store_.handle(), std::string("SELECT count(*) FROM audit_log") + kWhere,
                           "counting audit entries");
  bind_filter(select, query);
  select.step();
  return static_cast<std::size_t>(select.int64(0));
}

int AuditStore::retention_days() {
  return static_cast<int>(sqlite::query_int64(store_.handle(),
                                              "SELECT retention_days FROM audit_settings",
                                              "reading the audit retention")
                              .value_or(90));
}

void AuditStore::set_retention_days(int days) {
  sqlite::Statement update(store_.handle(),
                           "UPDATE audit_settings SET retention_days = ?1 WHERE id = 1",
                           "changing the audit retention");
  update.bind(1, std::int64_t{days});
  update.run();
  prune(unix_now());
}

}  // namespace picket::controller
