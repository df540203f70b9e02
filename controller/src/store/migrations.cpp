#include "store/migrations.hpp"

#include <array>
#include <string>

#include "picket/controller/store.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

// Ranges in the CHECK constraints are the last line of defence behind
// validation, so a bug upstream cannot store a peer WireGuard would refuse.
// Host index 1 is the gateway's and 65534 is the /16 maximum.
//
// AUTOINCREMENT keeps ids from being reused after a delete: a stale id in an
// admin's open browser tab must not reach a device created since.
constexpr const char* kV1 = R"sql(
CREATE TABLE settings (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  interface_name TEXT    NOT NULL CHECK (length(interface_name) BETWEEN 1 AND 15),
  listen_port    INTEGER NOT NULL CHECK (listen_port BETWEEN 1 AND 65535),
  endpoint       TEXT    NOT NULL,
  ipv4_subnet    TEXT    NOT NULL,
  ipv6_subnet    TEXT    NOT NULL,
  dns            TEXT    NOT NULL DEFAULT '',
  mtu            INTEGER NOT NULL CHECK (mtu BETWEEN 576 AND 65535),
  public_key     TEXT    NOT NULL CHECK (length(public_key) = 44)
);

CREATE TABLE members (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  label      TEXT    NOT NULL UNIQUE CHECK (length(label) BETWEEN 1 AND 32),
  note       TEXT    NOT NULL DEFAULT '' CHECK (length(CAST(note AS BLOB)) <= 256),
  created_at INTEGER NOT NULL
);

CREATE TABLE devices (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id          INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  label              TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 32),
  public_key         TEXT    NOT NULL UNIQUE CHECK (length(public_key) = 44),
  preshared_key      BLOB    NOT NULL CHECK (length(preshared_key) = 32),
  host_index         INTEGER NOT NULL UNIQUE CHECK (host_index BETWEEN 2 AND 65534),
  ipv4               TEXT    NOT NULL UNIQUE,
  ipv6               TEXT    NOT NULL UNIQUE,
  client_allowed_ips TEXT    NOT NULL,
  keepalive          INTEGER NOT NULL CHECK (keepalive BETWEEN 0 AND 65535),
  mtu                INTEGER NOT NULL CHECK (mtu = 0 OR mtu BETWEEN 576 AND 65535),
  enabled            INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  expires_at         INTEGER,
  created_at         INTEGER NOT NULL,
  UNIQUE (member_id, label)
);

-- The expiry timer asks for the earliest expiry of an enabled device; a
-- partial index answers that without reading devices that never expire.
CREATE INDEX devices_expiry ON devices (expires_at)
  WHERE enabled = 1 AND expires_at IS NOT NULL;
)sql";

// The gateway firewall (issue 4): what a device may reach and the gateway-
// wide member isolation switch. restricted_to NULL means unrestricted; ''
// means nothing beyond the gateway's own services. No row = the defaults.
constexpr const char* kV2 = R"sql(
CREATE TABLE device_access (
  device_id     INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  restricted_to TEXT,
  access_group  TEXT    NOT NULL DEFAULT '' CHECK (length(access_group) <= 32)
);

CREATE TABLE firewall_settings (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  member_to_member INTEGER NOT NULL CHECK (member_to_member IN (0, 1))
);
INSERT INTO firewall_settings (id, member_to_member) VALUES (1, 0);
)sql";

// Admin accounts and the audit trail (the admin HTTP API). Sessions are not
// here: they live in picketd's memory as token hashes, so a restart or a
// seized, powered-off server carries none. The TOTP secret must be readable
// to check codes; the file is 0600 like the gateway key. Recovery codes are
// stored as SHA-256 hashes (they are random, so a fast hash suffices).
// The schema of table dns_settings (migration 3).
constexpr const char* kV3 = R"sql(
CREATE TABLE dns_settings (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  zone         TEXT    NOT NULL CHECK (length(zone) BETWEEN 1 AND 253),
  blocklists   TEXT    NOT NULL DEFAULT '',
  block_answer TEXT    NOT NULL CHECK (block_answer IN ('nxdomain', 'null')),
  upstream     TEXT    NOT NULL CHECK (upstream IN ('recursive', 'tls', 'plain')),
  servers      TEXT    NOT NULL DEFAULT '',
  dnssec       INTEGER NOT NULL CHECK (dnssec IN (0, 1))
);
)sql";

constexpr const char* kV4 = R"sql(
CREATE TABLE admins (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  username       TEXT    NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 32),
  password_hash  TEXT    NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 255),
  totp_secret    BLOB    NOT NULL CHECK (length(totp_secret) = 20),
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE admin_recovery_codes (
  admin_id  INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
  code_hash BLOB    NOT NULL CHECK (length(code_hash) = 32),
  PRIMARY KEY (admin_id, code_hash)
);

CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at     INTEGER NOT NULL,
  actor  TEXT    NOT NULL,
  action TEXT    NOT NULL,
  target TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_settings (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 3650)
);
INSERT INTO audit_settings (id, retention_days) VALUES (1, 90);
)sql";

// Issue 17: who sees which device names. 0 (the default): a member's
// queries resolve its own devices' names and those it may reach; 1: every
// member resolves every name.
constexpr const char* kV5 = R"sql(
ALTER TABLE dns_settings ADD COLUMN open_directory INTEGER NOT NULL DEFAULT 0
  CHECK (open_directory IN (0, 1));
)sql";

// Issue 16: gateway hosts that a controller drives. Each is known by the
// pin of its channel key (not secret) and a name the admin chose; the
// controller's own channel key is kept here rather than in a file, so that
// locked mode seals it with everything else.
constexpr const char* kV6 = R"sql(
CREATE TABLE gateways (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32),
  pin        TEXT NOT NULL UNIQUE CHECK (length(pin) = 43),
  created_at INTEGER NOT NULL
);
CREATE TABLE gateway_channel (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seed BLOB NOT NULL CHECK (length(seed) = 32)
);
)sql";

// Issue 16: each gateway host has its own WireGuard key and the endpoint
// members dial it at, so a config names one gateway and a seized gateway's
// memory gives away its own key only. The key stays here, on the
// controller (sealed with everything else in locked mode); the gateway
// gets it over the channel at each connect and never writes it down. A
// gateway enrolled before this migration has none: the controller makes
// it one at its next start.
constexpr const char* kV7 = R"sql(
ALTER TABLE gateways ADD COLUMN endpoint TEXT NOT NULL DEFAULT ''
  CHECK (length(endpoint) <= 300);
ALTER TABLE gateways ADD COLUMN wireguard_key BLOB
  CHECK (wireguard_key IS NULL OR length(wireguard_key) = 32);
)sql";

// Issue 16: a device served by some gateway hosts only. No row: every
// gateway (also ones enrolled later). A row: only the gateways named, comma
// separated; an empty list is none (a device kept, served nowhere).
constexpr const char* kV8 = R"sql(
CREATE TABLE device_gateways (
  device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  gateways  TEXT    NOT NULL CHECK (length(gateways) <= 4000)
);
)sql";

constexpr std::array<Migration, 8> kMigrations{{
    {1, kV1},
    {2, kV2},
    {3, kV3},
    {4, kV4},
    {5, kV5},
    {6, kV6},
    {7, kV7},
    {8, kV8},
}};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations.back().version;
}

void migrate(sqlite3* db) {
  // IMMEDIATE takes the write lock before reading user_version, so two
  // processes opening a fresh file cannot both run the same migration.
  sqlite::exec(db, "BEGIN IMMEDIATE", "starting the schema migration");
  try {
    const int current = static_cast<int>(
        sqlite::query_int64(db, "PRAGMA user_version", "reading the schema version").value_or(0));
    const int latest = latest_schema_version();
    if (current > latest) {
      throw StoreError("the database has schema version " + std::to_string(current) +
                       " but this Picket only knows up to version " + std::to_string(latest) +
                       "; it was written by a newer Picket: upgrade Picket instead of "
                       "downgrading");
    }
    for (const Migration& migration : kMigrations) {
      if (migration.version <= current) continue;
      sqlite::exec(db, migration.sql,
                   "applying schema migration " + std::to_string(migration.version));
    }
    if (current != latest) {
      // PRAGMA takes no bound parameters; the value is our own integer.
      const std::string set_version = "PRAGMA user_version = " + std::to_string(latest);
      sqlite::exec(db, set_version.c_str(), "recording the schema version");
    }
    sqlite::exec(db, "COMMIT", "committing the schema migration");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace picket::controller
