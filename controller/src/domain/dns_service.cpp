#include "domain/dns_service.hpp"

#include <stdexcept>

#include "domain/gateway_link.hpp"
#include "picket/gateway/error.hpp"
#include "store/dns_settings_store.hpp"

namespace picket::controller {

namespace {

void check_runnable(const DnsSettings& settings, bool tls_available) {
  if (settings.upstream == "tls" && !tls_available)
    throw std::invalid_argument(gateway::dns::kDnsOverTlsUnavailable);
}

}  // namespace

DnsSettings load_or_seed_dns_settings(Store& store, const DnsSettings& seed, bool tls_available) {
  if (auto stored = load_dns_settings(store)) {
    try {
      validate(*stored);
    } catch (const std::invalid_argument& e) {
      throw StoreError(std::string("the stored DNS settings are damaged: ") + e.what());
    }
    return *stored;
  }
  validate(seed);
  try {
    check_runnable(seed, tls_available);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--dns-upstream tls: ") + e.what());
  }
  save_dns_settings(store, seed);
  return seed;
}

std::string summary_text(const gateway::BlocklistSummary& s) {
  return std::to_string(s.files) + " blocklists, " + std::to_string(s.domains) +
         " blocked domains in " + std::to_string(s.bytes >> 10) + " KiB, " +
         std::to_string(s.skipped_lines) + " unreadable lines skipped";
}

DnsService::DnsService(Store& store, GatewayLink& link, Service& service, DnsSettings settings,
                       std::size_t cache_bytes)
    : store_(store),
      link_(link),
      service_(service),
      settings_(std::move(settings)),
      cache_bytes_(cache_bytes) {
  service_.set_dns_config(config_of(settings_));
}

bool DnsService::upstream_unusable() const {
  return settings_.upstream == "tls" && !link_.dns_over_tls_available();
}

gateway::DnsConfig DnsService::config_of(const DnsSettings& settings) const {
  gateway::DnsConfig config;
  config.upstream = upstream_config(settings, cache_bytes_);
  // Stored by an older Picket, which accepted it and answered SERVFAIL.
  if (settings.upstream == "tls" && !link_.dns_over_tls_available())
    config.upstream.mode = gateway::dns::UpstreamConfig::Mode::none;
  config.block_answer = block_answer_of(settings);
  config.blocklist_files = settings.blocklists;
  config.zone = settings.zone;
  config.open_directory = settings.open_directory;
  return config;
}

DnsService::View DnsService::describe() const {
  return View{settings_, link_.blocklists(), link_.dns_stats(), link_.dns_over_tls_available()};
}

DnsService::View DnsService::change(const DnsSettings& next) {
  validate(next);
  if (next.upstream != settings_.upstream || next.servers != settings_.servers)
    check_runnable(next, link_.dns_over_tls_available());
  const auto config = config_of(next);
  gateway::GatewayChange change;
  change.dns = config;
  try {
    link_.apply(change);
  } catch (const gateway::Error& e) {
    throw std::invalid_argument(e.what());
  }
  save_dns_settings(store_, next);
  service_.set_dns_config(config);
  settings_ = next;
  return describe();
}

gateway::BlocklistSummary DnsService::reload() {
  try {
    return link_.reload_blocklists();
  } catch (const gateway::Error& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace picket::controller
