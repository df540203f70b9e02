#include "domain/dns_settings.hpp"

#include <stdexcept>

#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::controller {

namespace {

void validate_server(const std::string& server, bool tls) {
  std::string_view rest(server);
  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    if (!tls)
      throw std::invalid_argument("the DNS server '" + server +
                                  "' names a TLS host but the upstream is not tls");
    if (!gateway::dns::host_to_wire(rest.substr(hash + 1)))
      throw std::invalid_argument("the DNS server '" + server + "' has a bad TLS host name");
    rest = rest.substr(0, hash);
  }
  const auto at = rest.find('@');
  if (at != std::string_view::npos) {
    const auto port = rest.substr(at + 1);
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) {
        value = -1;
        break;
      }
      value = value * 10 + (c - '0');
    }
    if (port.empty() || value < 1 || value > 65535)
      throw std::invalid_argument("the DNS server '" + server + "' has a bad port");
    rest = rest.substr(0, at);
  }
  if (!gateway::IpAddress::try_parse(rest))
    throw std::invalid_argument("the DNS server '" + server + "' is not ADDRESS[@PORT][#TLS-NAME]");
}

}  // namespace

void validate(const DnsSettings& s) {
  const auto zone = gateway::dns::host_to_wire(s.zone);
  if (!zone || zone->size() <= 1)
    throw std::invalid_argument("the DNS zone '" + s.zone +
                                "' is not a host name such as picket.internal");
  if (s.block_answer != "nxdomain" && s.block_answer != "null")
    throw std::invalid_argument("the block answer '" + s.block_answer +
                                "' is neither nxdomain nor null");
  if (s.upstream != "recursive" && s.upstream != "tls" && s.upstream != "plain")
    throw std::invalid_argument("the DNS upstream '" + s.upstream +
                                "' is not recursive, tls or plain");
  if (s.upstream != "recursive" && s.servers.empty())
    throw std::invalid_argument("forwarding DNS (" + s.upstream + ") needs at least one server");
  if (s.servers.size() > 8) throw std::invalid_argument("at most 8 DNS servers");
  for (const auto& server : s.servers) validate_server(server, s.upstream == "tls");
  if (s.blocklists.size() > 32) throw std::invalid_argument("at most 32 blocklists");
  for (const auto& file : s.blocklists)
    if (file.empty() || file.front() != '/' || file.find('\n') != std::string::npos)
      throw std::invalid_argument("the blocklist '" + file + "' is not an absolute path");
}

gateway::dns::UpstreamConfig upstream_config(const DnsSettings& s, std::size_t cache_bytes) {
  gateway::dns::UpstreamConfig config;
  using Mode = gateway::dns::UpstreamConfig::Mode;
  config.mode = s.upstream == "tls"     ? Mode::tls
                : s.upstream == "plain" ? Mode::plain
                                        : Mode::recursive;
  config.servers = s.servers;
  config.dnssec = s.dnssec;
  // unbound's own advice: the RRset cache about twice the message cache.
  config.msg_cache_bytes = cache_bytes / 3;
  config.rrset_cache_bytes = cache_bytes * 2 / 3;
  return config;
}

gateway::dns::BlockAnswer block_answer_of(const DnsSettings& s) {
  return s.block_answer == "null" ? gateway::dns::BlockAnswer::null_address
                                  : gateway::dns::BlockAnswer::nxdomain;
}

}  // namespace picket::controller
