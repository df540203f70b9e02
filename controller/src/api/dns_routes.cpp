// The members' resolver: its stored settings, counters and blocklists.
#include "api/dns_routes.hpp"

#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "domain/dns_service.hpp"
#include "picket/controller/errors.hpp"

namespace picket::controller::api {

using nlohmann::json;

namespace {

DnsService& dns_of(RouteCall& call) {
  if (call.context.dns == nullptr) throw ConflictError("the DNS resolver is disabled (--no-dns)");
  return *call.context.dns;
}

json to_json(const DnsService::View& view) {
  const auto& s = view.settings;
  const auto& c = view.stats;
  return json{{"zone", s.zone},
              {"blocklists", s.blocklists},
              {"block_answer", s.block_answer},
              {"upstream", s.upstream},
              {"servers", s.servers},
              {"dnssec", s.dnssec},
              {"open_directory", s.open_directory},
              {"tls_available", view.tls_available},
              {"blocked_domains", view.blocklists.domains},
              {"blocklist_bytes", view.blocklists.bytes},
              {"counters",
               {{"queries", c.queries},
                {"cache_hits", c.cache_hits},
                {"local", c.local},
                {"blocked", c.blocked},
                {"upstream", c.upstream},
                {"refused_sources", c.refused_sources},
                {"rate_limited", c.rate_limited},
                {"malformed", c.malformed},
                {"upstream_dropped", c.upstream_dropped},
                {"upstream_timeouts", c.upstream_timeouts}}}};
}

ApiResponse get_dns(RouteCall& call) {
  return reply(200, to_json(dns_of(call).describe()));
}

ApiResponse patch_dns(RouteCall& call) {
  auto& dns = dns_of(call);
  RequestBody body(call.request.body, {"zone", "blocklists", "block_answer", "upstream", "servers",
                                       "dnssec", "open_directory"});
  DnsSettings next = dns.settings();
  if (auto v = body.optional_string("zone")) next.zone = *v;
  if (auto v = body.optional_string_list("blocklists", 32)) next.blocklists = *v;
  if (auto v = body.optional_string("block_answer")) next.block_answer = *v;
  if (auto v = body.optional_string("upstream")) next.upstream = *v;
  if (auto v = body.optional_string_list("servers", 8)) next.servers = *v;
  if (auto v = body.optional_integer("dnssec", 0, 1)) next.dnssec = *v == 1;
  if (auto v = body.optional_integer("open_directory", 0, 1)) next.open_directory = *v == 1;
  return reply(200, to_json(dns.change(next)));
}

ApiResponse reload_dns(RouteCall& call) {
  return reply(200, json{{"reloaded", summary_text(dns_of(call).reload())}});
}

constexpr Route kRoutes[] = {
    {"GET", "/dns", get_dns},
    {"PATCH", "/dns", patch_dns, Access::password},
    {"POST", "/dns/reload", reload_dns},
};

}  // namespace

std::span<const Route> dns_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
