#include "agent/commands.hpp"

#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <iterator>

#include "agent/log.hpp"
#include "picket/gateway/agent/agent.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::agent {

void add_enrol_flags(CLI::App& command, EnrolOptions& options) {
  command
      .add_option("token", options.token,
                  "the enrolment token the controller printed, or - to read it from standard "
                  "input")
      ->required();
  command.add_option("--name", options.name,
                     "this gateway's name at the controller (default: the one its token names, "
                     "else the host name)");
  command.add_option("--state-dir", options.state_dir, "where the channel key is kept")
      ->capture_default_str();
  command.add_flag("--force", options.force,
                   "replace an earlier enrolment (a new key: the controller must admit it again)");
}

void add_run_flags(CLI::App& command, RunOptions& options) {
  command.add_option("--state-dir", options.state_dir, "where enrol put the channel key")
      ->capture_default_str();
  command.add_option("--interface", options.node.interface_name, "WireGuard interface name")
      ->capture_default_str();
  command.add_option("--backend", options.node.backend.backend, "WireGuard backend")
      ->check(CLI::IsMember({"auto", "kernel", "userspace"}))
      ->capture_default_str();
  command
      .add_option("--wireguard-go", options.node.backend.wireguard_go,
                  "wireguard-go binary for the userspace backend")
      ->capture_default_str();
  command
      .add_option("--wireguard-socket-dir", options.node.backend.wireguard_socket_dir,
                  "where wireguard-go puts its sockets")
      ->capture_default_str();
  command
      .add_option("--uplink", options.node.uplink,
                  "interface members' traffic leaves by: auto (the default route's), none (no "
                  "NAT, members reach only the gateway), or a name")
      ->capture_default_str();
  command.add_flag("--firewall,!--no-firewall", options.node.firewall,
                   "manage forwarding, NAT and member isolation with nftables");
  command.add_flag("--forwarding,!--no-forwarding", options.node.forwarding,
                   "turn IPv4/IPv6 forwarding on while running (put back on a clean stop)");
  command.add_flag("--ipv6-routed", options.node.ipv6_routed,
                   "the IPv6 subnet is routed to this host: no NAT66 for it");
  command.add_flag("--dns,!--no-dns", options.node.dns, "run the members' DNS resolver");
  command.add_option("--dns-port", options.node.dns_port, "the resolver's UDP and TCP port")
      ->capture_default_str();
  command
      .add_option("--lease", options.lease_seconds,
                  "seconds without a word from the controller before every peer is dropped")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
}

int run_enrol(const EnrolOptions& options) {
  std::string token = options.token;
  if (token == "-")
    token.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  const StateDir dir(options.state_dir);
  const EnrolResult result = enrol(dir, token, options.name, options.force);
  std::cout << "enrolled as '" << result.controller.name << "' with the controller at "
            << result.controller.host << " port " << result.controller.port
            << "\nthis gateway's key pin: " << result.gateway_pin
            << "\nstart it: systemctl enable --now picket-gateway\n";
  return 0;
}

int run_gateway(const RunOptions& options) {
  const StateDir dir(options.state_dir);
  AgentOptions agent_options{dir.load_identity(),
                             dir.load_controller(),
                             std::chrono::seconds(options.lease_seconds),
                             {},
                             {}};
  const channel::LogFn info = [](std::string_view line) { log_info(line); };
  remove_leftover_interface(options.node, info);

  AgentHooks hooks;
  hooks.make_node = host_node_factory(options.node, info);
  hooks.enrolled = [dir] { dir.forget_enrolment_secret(); };
  hooks.info = info;
  hooks.error = [](std::string_view line) { log_error(line); };
  hooks.status = [](std::string_view line) {
    sd_notify(0, ("STATUS=" + std::string(line)).c_str());
  };

  boost::asio::io_context io(1);
  Agent agent(io, std::move(agent_options), std::move(hooks));
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    log_info("stopping; the peers go first, then the interface, then the firewall table");
    // Type=notify: systemd shows the unit as stopping at once, not when it exits.
    sd_notify(0, "STOPPING=1");
    io.stop();
  });
  agent.start();
  // Ready once dialing, not once the controller answered: it may be down
  // for longer than any start timeout, and the lease, not systemd, decides
  // what a gateway without it serves. STATUS= says how far it got.
  sd_notify(0, "READY=1");
  io.run();
  agent.stop();
  return 0;
}

}  // namespace picket::gateway::agent
