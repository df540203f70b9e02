#include "picket/controller/store.hpp"
#include "store/clock.hpp"
#include "store/durability.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

constexpr const char* kColumns = "SELECT id, label, note, created_at FROM members ";

Member read_member(const sqlite::Statement& row) {
  return Member{row.int64(0), row.text(1), row.text(2), row.int64(3)};
}

std::optional<Member> first_member(sqlite::Statement& select) {
  if (!select.step()) return std::nullopt;
  return read_member(select);
}

}  // namespace

Member Store::insert_member(const std::string& label, const std::string& note) {
  Member member{0, label, note, unix_now()};
  sqlite::Statement insert(db_, "INSERT INTO members (label, note, created_at) VALUES (?1, ?2, ?3)",
                           "adding a member");
  insert.bind(1, label).bind(2, note).bind(3, member.created_at);
  insert.run();
  member.id = sqlite3_last_insert_rowid(db_);
  return member;
}

std::optional<Member> Store::member_by_id(std::int64_t id) {
  sqlite::Statement select(db_, std::string(kColumns) + "WHERE id = ?1", "looking up a member");
  select.bind(1, id);
  return first_member(select);
}

std::optional<Member> Store::member_by_label(const std::string& label) {
  sqlite::Statement select(db_, std::string(kColumns) + "WHERE label = ?1", "looking up a member");
  select.bind(1, label);
  return first_member(select);
}

std::vector<Member> Store::list_members() {
  sqlite::Statement select(db_, std::string(kColumns) + "ORDER BY label", "listing members");
  std::vector<Member> members;
  while (select.step()) members.push_back(read_member(select));
  return members;
}

std::size_t Store::device_count_of(std::int64_t member_id) {
  sqlite::Statement count(db_, "SELECT count(*) FROM devices WHERE member_id = ?1",
                          "counting a member's devices");
  count.bind(1, member_id);
  count.step();
  return static_cast<std::size_t>(count.int64(0));
}

void Store::delete_member(std::int64_t id) {
  // Idempotent: deleting a member that is already gone is not an error, so
  // a retried revoke succeeds.
  sqlite::Statement remove(db_, "DELETE FROM members WHERE id = ?1", "deleting a member");
  remove.bind(1, id);
  remove.run();
  sync_if_revoked(db_);
}

}  // namespace picket::controller
