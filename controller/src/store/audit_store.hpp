#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "picket/controller/store.hpp"

namespace picket::controller {

// One admin action: who did what to which device or member, and when.
// Never member traffic, addresses or keys.
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at = 0;  // unix seconds
  std::string actor;    // admin username, or "root" for the CLI
  std::string action;   // e.g. device.revoke
  std::string target;   // e.g. "device alice/phone"
};

struct AuditQuery {
  std::optional<std::string> actor;
  std::optional<std::string> search;  // substring of the target
  std::size_t offset = 0;
  std::optional<std::size_t> limit;
};

// The audit trail. Entries older than the retention are deleted whenever a
// new one is recorded (secure_delete overwrites them).
class AuditStore {
 public:
  explicit AuditStore(Store& store) : store_(store) {}

  void record(std::string_view actor, std::string_view action, std::string_view target);
  // Newest first.
  std::vector<AuditEntry> list(const AuditQuery& query);
  std::size_t count(const AuditQuery& query);
  int retention_days();
  void set_retention_days(int days);

 private:
  void prune(std::int64_t now);
  Store& store_;
};

}  // namespace picket::controller
