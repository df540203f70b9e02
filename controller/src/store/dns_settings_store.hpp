#pragma once

#include <optional>

#include "domain/dns_settings.hpp"
#include "picket/controller/store.hpp"

namespace picket::controller {

// The schema of table dns_settings (migration 3).
inline constexpr const char* kDnsSettingsMigration = R"sql(
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

std::optional<DnsSettings> load_dns_settings(Store& store);
void save_dns_settings(Store& store, const DnsSettings& settings);

}  // namespace picket::controller
