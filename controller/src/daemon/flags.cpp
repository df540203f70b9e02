#include "daemon/flags.hpp"

#include <CLI/CLI.hpp>

namespace picket::controller {

namespace {

void add_firewall_flags(CLI::App& app, FirewallOptions& options) {
  const auto* group = "Gateway firewall (nftables table inet picket_<interface>)";
  app.add_flag("--firewall,!--no-firewall", options.enabled,
               "manage forwarding, NAT and member isolation with nftables")
      ->group(group);
  app.add_option("--uplink", options.uplink,
                 "interface members' traffic leaves by: auto (the default route's), none (no NAT, "
                 "members reach only the gateway), or a name")
      ->group(group)
      ->capture_default_str();
  app.add_flag("--forwarding,!--no-forwarding", options.forwarding,
               "turn IPv4/IPv6 forwarding on while running (put back on a clean stop)")
      ->group(group);
  app.add_flag("--ipv6-routed", options.ipv6_routed,
               "the IPv6 subnet is routed to this host: no NAT66 for it")
      ->group(group);
}

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

void add_controller_flags(CLI::App& app, ControllerRoleOptions& options) {
  const auto* group = "Controller role (gateway hosts run picket-gateway)";
  app.add_option_function<std::string>(
         "--role", [&options](const std::string& role) { options.enabled = role == "controller"; },
         "single: this host is the gateway (the default); controller: drive gateway hosts "
         "over the channel, with no interface here")
      ->check(CLI::IsMember({"single", "controller"}))
      ->default_str("single")
      ->group(group);
  app.add_option("--channel-listen", options.listen, "address gateways dial in on")
      ->group(group)
      ->capture_default_str();
  app.add_option("--channel-port", options.port, "TCP port gateways dial in on")
      ->check(CLI::Range(1, 65535))
      ->group(group)
      ->capture_default_str();
  app.add_option("--channel-host", options.host,
                 "the controller as gateways dial it, put in enrolment tokens (default: the "
                 "endpoint's host)")
      ->group(group);
  app.add_option("--gateway-answer-timeout", options.answer_timeout_ms,
                 "milliseconds a change waits for each connected gateway's answer")
      ->check(CLI::Range(100u, 60000u))
      ->group(group)
      ->capture_default_str();
}

}  // namespace

void add_daemon_flags(CLI::App& app, DaemonOptions& options) {
  app.set_config("--config", "", "read options from this INI/TOML file");
  app.add_option("--state-dir", options.state_dir, "state directory (database and gateway key)")
      ->capture_default_str();
  app.add_option("--socket", options.socket_path, "unix socket for the picket CLI")
      ->capture_default_str();
  app.add_option("--backend", options.backend, "WireGuard backend")
      ->check(CLI::IsMember({"auto", "kernel", "userspace"}))
      ->capture_default_str();
  app.add_option("--wireguard-go", options.wireguard_go,
                 "wireguard-go binary for the userspace backend")
      ->capture_default_str();
  app.add_option("--wireguard-socket-dir", options.wireguard_socket_dir,
                 "where wireguard-go puts its sockets")
      ->capture_default_str();
  app.add_option("--drift-interval", options.drift_interval_seconds,
                 "seconds between full reads of the interface to undo drift")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  app.add_flag(
      "--locked", options.locked,
      "keep the state encrypted at rest; serve nothing until `picket unlock` (on by itself "
      "once the state directory holds picket.sealed)");
  add_firewall_flags(app, options.firewall);
  add_dns_flags(app, options.dns);
  add_controller_flags(app, options.controller);
  app.add_option("--api-port", options.api_port,
                 "admin HTTP API port on 127.0.0.1 and the tunnel address (0: no HTTP API)")
      ->capture_default_str();
  app.add_option("--api-listen", options.api_listen,
                 "further address for the admin API, HTTPS only (needs --tls-cert, --tls-key)");
  app.add_option("--tls-cert", options.tls_cert, "PEM certificate chain for --api-listen");
  app.add_option("--tls-key", options.tls_key, "PEM private key for --api-listen");
  // Hidden (no group): lets the browser test see an idle session end in
  // seconds. It can only shorten the 30-minute limit.
  app.add_option("--session-idle-timeout", options.session_idle_timeout,
                 "seconds without activity before an admin session ends (tests)")
      ->check(CLI::Range(1, 30 * 60))
      ->group("");
  auto* first = "Used on the first start only, to seed the stored settings";
  app.add_option("--interface", options.interface_name, "WireGuard interface name")
      ->group(first)
      ->capture_default_str();
  app.add_option("--listen-port", options.listen_port, "WireGuard UDP port")
      ->group(first)
      ->capture_default_str();
  app.add_option("--endpoint", options.endpoint, "public HOST:PORT that members dial")
      ->group(first);
  app.add_option("--ipv4-subnet", options.ipv4_subnet, "tunnel IPv4 subnet")
      ->group(first)
      ->capture_default_str();
  app.add_option("--ipv6-subnet", options.ipv6_subnet, "tunnel IPv6 ULA subnet")
      ->group(first)
      ->capture_default_str();
}

}  // namespace picket::controller
