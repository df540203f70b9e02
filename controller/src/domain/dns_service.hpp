#pragma once

#include <optional>
#include <string>

#include "domain/dns_settings.hpp"
#include "picket/controller/service.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/state.hpp"

namespace picket::controller {

class GatewayLink;

// The stored settings of the members' resolver, on first start from
// `seed`. Throws std::invalid_argument for a seed that cannot run here
// (DNS-over-TLS without TLS in libunbound) and StoreError for damaged rows.
DnsSettings load_or_seed_dns_settings(Store& store, const DnsSettings& seed, bool tls_available);

// The resolver's settings: stored in the database, applied through the
// GatewayLink, part of every GatewayState (Service::set_dns_config).
class DnsService {
 public:
  DnsService(Store& store, GatewayLink& link, Service& service, DnsSettings settings,
             std::size_t cache_bytes);

  // The config the gateway runs. A stored tls upstream that this gateway
  // cannot run becomes "ask no one", never plaintext.
  gateway::DnsConfig config_of(const DnsSettings& settings) const;
  // Whether the stored upstream could not be used as it is (logged at start).
  bool upstream_unusable() const;

  struct View {
    DnsSettings settings;
    gateway::BlocklistSummary blocklists;
    gateway::dns::ResolverStats stats;
    bool tls_available = false;
  };
  View describe() const;
  // Validates, applies through the link and stores; a refusal (a bad file,
  // an upstream libunbound refuses) throws std::invalid_argument and
  // changes nothing.
  View change(const DnsSettings& next);
  // Rereads the blocklist files; a bad file keeps the old list (throws).
  gateway::BlocklistSummary reload();
  const DnsSettings& settings() const { return settings_; }

 private:
  Store& store_;
  GatewayLink& link_;
  Service& service_;
  DnsSettings settings_;
  std::size_t cache_bytes_;
};

// "3 blocklists, 1200 blocked domains in 64 KiB, 0 unreadable lines skipped"
std::string summary_text(const gateway::BlocklistSummary& summary);

}  // namespace picket::controller
