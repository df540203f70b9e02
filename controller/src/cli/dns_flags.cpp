#include "cli/dns_flags.hpp"

namespace picket::controller {

void add_dns_flags(CLI::App& app, DnsOptions& options) {
  const auto* group = "DNS resolver (on the gateway's tunnel addresses)";
  app.add_flag("--dns,!--no-dns", options.enabled, "run the members' DNS resolver")->group(group);
  app.add_option("--dns-port", options.port, "UDP and TCP port")
      ->group(group)
      ->capture_default_str();
  app.add_option("--dns-rate-limit", options.rate_limit, "answers per second per source (0 = off)")
      ->group(group)
      ->capture_default_str();
  app.add_option("--dns-cache-mb", options.cache_mb,
                 "packet cache size; libunbound's message and RRset caches get as much again")
      ->check(CLI::Range(1, 4096))
      ->group(group)
      ->capture_default_str();
  const auto* seed = "DNS settings: used on the first start only (then `picket dns set`)";
  app.add_option("--dns-zone", options.seed.zone, "zone of device names <device>.<member>.<zone>")
      ->group(seed)
      ->capture_default_str();
  app.add_option(
         "--dns-blocklist", options.seed.blocklists,
         "hosts-format or domain-list file (repeatable; reload: SIGHUP or `picket dns reload`)")
      ->group(seed);
  app.add_option("--dns-block-answer", options.seed.block_answer, "nxdomain or null (0.0.0.0 / ::)")
      ->check(CLI::IsMember({"nxdomain", "null"}))
      ->group(seed)
      ->capture_default_str();
  app.add_option("--dns-upstream", options.seed.upstream,
                 "recursive (from the root, DNSSEC-validated), tls (DNS-over-TLS forwarding) or "
                 "plain (plain forwarding: tests and trusted local resolvers)")
      ->check(CLI::IsMember({"recursive", "tls", "plain"}))
      ->group(seed)
      ->capture_default_str();
  app.add_option("--dns-server", options.seed.servers,
                 "forwarding target ADDRESS[@PORT][#TLS-NAME] (repeatable)")
      ->group(seed);
  app.add_flag("--dns-dnssec,!--no-dns-dnssec", options.seed.dnssec,
               "validate DNSSEC against the built-in root trust anchor")
      ->group(seed);
}

}  // namespace picket::controller
