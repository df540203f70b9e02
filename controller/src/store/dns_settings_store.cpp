#include "store/dns_settings_store.hpp"

#include <sstream>

#include "store/sqlite.hpp"

namespace picket::controller {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::optional<DnsSettings> load_dns_settings(Store& store) {
  sqlite::Statement select(
      store.handle(),
      "SELECT zone, blocklists, block_answer, upstream, servers, dnssec, open_directory "
      "FROM dns_settings WHERE id = 1",
      "reading the DNS settings");
  if (!select.step()) return std::nullopt;
  DnsSettings s;
  s.zone = select.text(0);
  s.blocklists = split(select.text(1));
  s.block_answer = select.text(2);
  s.upstream = select.text(3);
  s.servers = split(select.text(4));
  s.dnssec = select.int64(5) != 0;
  s.open_directory = select.int64(6) != 0;
  return s;
}

void save_dns_settings(Store& store, const DnsSettings& s) {
  sqlite::Statement upsert(
      store.handle(),
      "INSERT INTO dns_settings (id, zone, blocklists, block_answer, upstream, servers, dnssec, "
      "open_directory) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET "
      "zone = excluded.zone, blocklists = excluded.blocklists, "
      "block_answer = excluded.block_answer, upstream = excluded.upstream, "
      "servers = excluded.servers, dnssec = excluded.dnssec, "
      "open_directory = excluded.open_directory",
      "saving the DNS settings");
  upsert.bind(1, s.zone)
      .bind(2, join(s.blocklists))
      .bind(3, s.block_answer)
      .bind(4, s.upstream)
      .bind(5, join(s.servers))
      .bind(6, std::int64_t{s.dnssec ? 1 : 0})
      .bind(7, std::int64_t{s.open_directory ? 1 : 0});
  upsert.run();
}

}  // namespace picket::controller
