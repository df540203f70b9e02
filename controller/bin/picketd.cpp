// picketd: wiring only. Parses flags, then hands over to run_daemon().
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "backup/wipe_files.hpp"
#include "cli/dns_flags.hpp"
#include "daemon/daemon.hpp"
#include "daemon/seizure_runtime.hpp"

int main(int argc, char** argv) {
  picket::controller::DaemonOptions options;
  CLI::App app{"picketd - the Picket WireGuard control-plane daemon"};
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
  picket::controller::add_firewall_flags(app, options.firewall);
  picket::controller::add_dns_flags(app, options.dns);
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  int code = 1;
  try {
    code = picket::controller::run_daemon(options);
  } catch (const std::exception& e) {
    std::cerr << "picketd: " << e.what() << "\n";
  }
  // After a panic wipe every object of the daemon is gone and the database
  // closed (also when stopping threw): shred what SQLite may have left.
  if (picket::controller::wipe_was_requested()) {
    const auto problems = picket::controller::finish_wipe(options.state_dir);
    for (const auto& problem : problems) std::cerr << "picketd: panic wipe: " << problem << "\n";
    if (!problems.empty()) code = 1;
  }
  return code;
}
