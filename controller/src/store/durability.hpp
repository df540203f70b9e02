#pragma once

#include <sqlite3.h>

namespace picket::controller {

// The connection runs with synchronous=NORMAL: in WAL mode that never
// corrupts the file, and skipping an fsync per commit keeps adding a device
// well under a millisecond. Its price is that the last commits before a power
// loss may roll back. For an added device that is harmless (the admin adds it
// again); for a revocation it is not: after the reboot the reconciler would
// quietly re-admit a peer the admin was told had been cut off. So changes
// that can revoke access (deleting or updating a device, deleting a member)
// are flagged by TEMP triggers, and after their commit the WAL is
// checkpointed into the database and truncated (or, while a reader holds an
// old snapshot, synced): durable, and no stale copy of the revoked device's
// row stays behind in the WAL.

// Creates the per-connection flag table and triggers. Run after migrations.
void install_revocation_triggers(sqlite3* db);

// Call after a commit (and after an autocommit write): if a revoking change
// was committed, make it durable and drop the WAL's stale pages.
void sync_if_revoked(sqlite3* db);

}  // namespace picket::controller
