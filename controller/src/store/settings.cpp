#include <string>

#include "picket/controller/store.hpp"
#include "picket/gateway/error.hpp"
#include "store/lists.hpp"
#include "store/sqlite.hpp"

namespace picket::controller {

std::optional<Settings> Store::settings() {
  sqlite::Statement select(db_,
                           "SELECT interface_name, listen_port, endpoint, ipv4_subnet, "
                           "ipv6_subnet, dns, mtu, public_key FROM settings WHERE id = 1",
                           "reading the settings");
  if (!select.step()) return std::nullopt;
  try {
    Settings settings;
    settings.interface_name = select.text(0);
    settings.listen_port = static_cast<std::uint16_t>(select.int64(1));
    settings.endpoint = select.text(2);
    settings.ipv4_subnet = gateway::Cidr::parse(select.text(3));
    settings.ipv6_subnet = gateway::Cidr::parse(select.text(4));
    settings.dns = split_addresses(select.text(5));
    settings.mtu = static_cast<std::uint32_t>(select.int64(6));
    settings.public_key = gateway::Key::from_base64(select.text(7));
    return settings;
  } catch (const gateway::ParseError& error) {
    throw StoreError(std::string("the stored settings are damaged: ") + error.what());
  }
}

void Store::save_settings(const Settings& settings) {
  sqlite::Statement upsert(
      db_,
      "INSERT INTO settings (id, interface_name, listen_port, endpoint, "
      "ipv4_subnet, ipv6_subnet, dns, mtu, public_key) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (id) DO UPDATE SET interface_name = excluded.interface_name, "
      "listen_port = excluded.listen_port, endpoint = excluded.endpoint, "
      "ipv4_subnet = excluded.ipv4_subnet, ipv6_subnet = excluded.ipv6_subnet, "
      "dns = excluded.dns, mtu = excluded.mtu, public_key = excluded.public_key",
      "saving the settings");
  upsert.bind(1, settings.interface_name)
      .bind(2, std::int64_t{settings.listen_port})
      .bind(3, settings.endpoint)
      .bind(4, settings.ipv4_subnet.str())
      .bind(5, settings.ipv6_subnet.str())
      .bind(6, join_addresses(settings.dns))
      .bind(7, std::int64_t{settings.mtu})
      .bind(8, settings.public_key.base64());
  upsert.run();
}

}  // namespace picket::controller
