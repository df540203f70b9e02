#include "domain/dns_runtime.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/extension_route.hpp"
#include "api/request_body.hpp"
#include "daemon/log.hpp"
#include "picket/gateway/error.hpp"
#include "store/dns_settings_store.hpp"

namespace picket::controller {

namespace dns = gateway::dns;
using nlohmann::json;

namespace {

dns::Blocklist load_blocklists(const std::vector<std::string>& files, std::size_t& skipped) {
  dns::BlocklistBuilder builder;
  for (const auto& file : files) builder.add_file(file);
  skipped = builder.skipped_lines();
  return builder.build();
}

ApiResponse reply(int status, const json& body) {
  return ApiResponse{status, body.dump()};
}

}  // namespace

DnsRuntime::DnsRuntime(const DnsOptions& options, Store& store, Service& service)
    : options_(options), store_(store) {
  if (!options.enabled) return;
  auto stored = load_dns_settings(store);
  if (!stored) {
    validate(options.seed);
    if (options.seed.upstream == "tls" && !dns::dns_over_tls_available())
      throw std::invalid_argument(std::string("--dns-upstream tls: ") + dns::kDnsOverTlsUnavailable);
    save_dns_settings(store, options.seed);
    stored = options.seed;
  }
  settings_ = *stored;
  const auto gateway_settings = *store.settings();

  dns::ResolverConfig config;
  config.listen = {gateway::nth_address(gateway_settings.ipv4_subnet, 1),
                   gateway::nth_address(gateway_settings.ipv6_subnet, 1)};
  config.port = options.port;
  config.allowed_sources = {gateway_settings.ipv4_subnet, gateway_settings.ipv6_subnet};
  config.upstream = upstream_config(settings_, options.cache_mb << 20);
  if (settings_.upstream == "tls" && !dns::dns_over_tls_available()) {
    // Stored by an older Picket, which accepted it and answered SERVFAIL.
    // Never fall back to plaintext: ask no one until an admin picks a mode.
    config.upstream.mode = dns::UpstreamConfig::Mode::none;
    log_error(std::string("DNS resolver: only device names answer. The stored upstream: ") +
              dns::kDnsOverTlsUnavailable + "; pick one with `picket dns set --upstream`");
  }
  config.block_answer = block_answer_of(settings_);
  config.packet_cache_bytes = options.cache_mb << 20;
  config.rate_limit_per_source = options.rate_limit;
  resolver_ = std::make_unique<dns::Resolver>(config);
  resolver_->local_zone().set_origin(settings_.zone);
  listener_ =
      std::make_unique<DnsZoneListener>(resolver_->local_zone(), store, settings_.open_directory);
  service.add_listener(*listener_);
  log_info("DNS resolver: " + reload_blocklists());
}

DnsRuntime::~DnsRuntime() = default;

void DnsRuntime::refresh_directory() {
  if (listener_) listener_->refresh();
}

std::string DnsRuntime::reload_blocklists() {
  if (!resolver_) throw std::invalid_argument("the DNS resolver is disabled (--no-dns)");
  std::size_t skipped = 0;
  auto list = load_blocklists(settings_.blocklists, skipped);
  blocked_domains_ = list.size();
  blocklist_bytes_ = list.memory_bytes();
  resolver_->set_blocklist(std::move(list));
  return std::to_string(settings_.blocklists.size()) + " blocklists, " +
         std::to_string(blocked_domains_) + " blocked domains in " +
         std::to_string(blocklist_bytes_ >> 10) + " KiB, " + std::to_string(skipped) +
         " unreadable lines skipped";
}

ApiResponse DnsRuntime::describe() const {
  const auto stats = resolver_->stats();
  return reply(200, json{{"zone", settings_.zone},
                         {"blocklists", settings_.blocklists},
                         {"block_answer", settings_.block_answer},
                         {"upstream", settings_.upstream},
                         {"servers", settings_.servers},
                         {"dnssec", settings_.dnssec},
                         {"open_directory", settings_.open_directory},
                         {"tls_available", dns::dns_over_tls_available()},
                         {"blocked_domains", blocked_domains_},
                         {"blocklist_bytes", blocklist_bytes_},
                         {"counters",
                          {{"queries", stats.queries},
                           {"cache_hits", stats.cache_hits},
                           {"local", stats.local},
                           {"blocked", stats.blocked},
                           {"upstream", stats.upstream},
                           {"refused_sources", stats.refused_sources},
                           {"rate_limited", stats.rate_limited},
                           {"malformed", stats.malformed},
                           {"upstream_dropped", stats.upstream_dropped},
                           {"upstream_timeouts", stats.upstream_timeouts}}}});
}

ApiResponse DnsRuntime::patch(const std::string& body_text) {
  api::RequestBody body(body_text, {"zone", "blocklists", "block_answer", "upstream", "servers",
                                    "dnssec", "open_directory"});
  DnsSettings next = settings_;
  if (auto v = body.optional_string("zone")) next.zone = *v;
  if (auto v = body.optional_string_list("blocklists", 32)) next.blocklists = *v;
  if (auto v = body.optional_string("block_answer")) next.block_answer = *v;
  if (auto v = body.optional_string("upstream")) next.upstream = *v;
  if (auto v = body.optional_string_list("servers", 8)) next.servers = *v;
  if (auto v = body.optional_integer("dnssec", 0, 1)) next.dnssec = *v == 1;
  if (auto v = body.optional_integer("open_directory", 0, 1)) next.open_directory = *v == 1;
  validate(next);
  // Everything that can fail runs before anything changes.
  std::size_t skipped = 0;
  auto list = load_blocklists(next.blocklists, skipped);
  const bool new_upstream = upstream_config(next, 0) != upstream_config(settings_, 0);
  if (new_upstream) resolver_->set_upstream(upstream_config(next, options_.cache_mb << 20));
  if (next.zone != settings_.zone) listener_->change_zone(next.zone);
  save_dns_settings(store_, next);
  if (next.open_directory != settings_.open_directory)
    listener_->set_open_directory(next.open_directory);
  blocked_domains_ = list.size();
  blocklist_bytes_ = list.memory_bytes();
  resolver_->set_blocklist(std::move(list));
  resolver_->set_block_answer(block_answer_of(next));
  settings_ = next;
  return describe();
}

ApiResponse DnsRuntime::handle(const ApiRequest& request,
                               const std::function<ApiResponse(const ApiRequest&)>& next) {
  // What it serves is api::dns_routes(), which the route tests enumerate.
  const auto match = api::match_extension(api::dns_routes(), request.method, request.target);
  if (!match.path_exists) return next(request);
  try {
    if (!resolver_) return reply(409, json{{"error", "the DNS resolver is disabled (--no-dns)"}});
    if (match.route == nullptr)
      return reply(405, json{{"error", "this method is not allowed on this path"}});
    if (match.route->pattern == "/dns/reload") {
      const auto summary = reload_blocklists();
      log_info("DNS blocklists reloaded: " + summary);
      return reply(200, json{{"reloaded", summary}});
    }
    if (request.method == "GET") return describe();
    return patch(request.body);
  } catch (const std::invalid_argument& e) {
    return reply(400, json{{"error", e.what()}});
  } catch (const gateway::Error& e) {
    return reply(400, json{{"error", e.what()}});
  } catch (const std::exception& e) {
    return reply(500, json{{"error", e.what()}});
  }
}

}  // namespace picket::controller
