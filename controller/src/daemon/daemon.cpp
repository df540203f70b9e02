#include "daemon/daemon.hpp"

#include <systemd/sd-daemon.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "api/admin_api.hpp"
#include "api/api_handler.hpp"
#include "api/replies.hpp"
#include "api/unix_server.hpp"
#include "common/log.hpp"
#include "daemon/controller_role.hpp"
#include "daemon/gateway_setup.hpp"
#include "daemon/local_gateway_link.hpp"
#include "daemon/locked_mode.hpp"
#include "daemon/seizure_runtime.hpp"
#include "domain/dns_service.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/dns/resolver_config.hpp"
#include "picket/gateway/host_network.hpp"
#include "state/locked_state.hpp"
#include "state/state_dir.hpp"

namespace picket::controller {

namespace asio = boost::asio;

namespace {

std::string counts(const ReconcileReport& report) {
  return std::to_string(report.desired_peers) + " peers wanted, " +
         std::to_string(report.result.added) + " added, " + std::to_string(report.result.updated) +
         " updated, " + std::to_string(report.result.removed) + " removed";
}

// The daemon's timers: expiry (armed at the earliest expiry) and drift repair
// (a full read of the interface at a fixed interval, which also recreates
// the interface when it vanished, e.g. wireguard-go was killed).
class Loop {
 public:
  Loop(asio::io_context& io, Service& service, std::chrono::seconds drift)
      : service_(service), drift_interval_(drift), expiry_timer_(io), drift_timer_(io) {}

  void start() {
    arm_expiry();
    arm_drift();
  }

  // A change that failed after reaching the interface or a listener (the
  // commit hit a full disk, wireguard-go died mid-change) may have left
  // them apart from the database: read everything again and repair before
  // the error is answered, instead of at the next drift interval.
  void repair_after_failure() {
    log_info("a change failed; repairing the interface now");
    repair();
  }

  // After every API call: a change may have moved the earliest expiry.
  void arm_expiry() {
    const auto next = service_.next_expiry();
    if (next == armed_expiry_) return;
    armed_expiry_ = next;
    if (!next) {
      expiry_timer_.cancel();
      return;
    }
    expiry_timer_.expires_at(std::chrono::system_clock::time_point(std::chrono::seconds(*next)));
    expiry_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      armed_expiry_.reset();
      try {
        if (const auto removed = service_.expire_due()) {
          log_info("expiry: removed " + std::to_string(removed) + " peers");
        }
      } catch (const std::exception& e) {
        log_error(std::string("expiry failed, drift repair retries: ") + e.what());
      }
      arm_expiry();
    });
  }

 private:
  void arm_drift() {
    drift_timer_.expires_after(drift_interval_);
    drift_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      repair();
      arm_drift();
    });
  }

  void repair() {
    try {
      const auto report = service_.reconcile();
      if (report.interface_created)
        log_info("the interface had vanished and was recreated: " + counts(report));
      else if (report.result != gateway::ReconcileResult{})
        log_info("drift repaired: " + counts(report));
    } catch (const std::exception& e) {
      log_error(std::string("drift repair failed, retrying at the next interval: ") + e.what());
    }
    arm_expiry();
  }

  Service& service_;
  std::chrono::seconds drift_interval_;
  asio::system_timer expiry_timer_;
  asio::steady_timer drift_timer_;
  std::optional<std::int64_t> armed_expiry_;
};

// Every way out of Serving (a signal, the panic wipe, an error while
// starting, an exception from a handler) passes through this destructor:
// peers and interface go first, and the table goes only when that worked.
// Peers without the table would reach every port of the host and, with
// forwarding on, each other without isolation or NAT; and while picketd is
// down nobody would expire them. The table without peers shuts nobody in
// (SIGKILL leaves both; the next start replaces them).
class PeersDownFirst {
 public:
  PeersDownFirst(Service& service, gateway::GatewayNode& node) : service_(service), node_(node) {}
  ~PeersDownFirst() {
    try {
      if (!node_.torn_down()) service_.take_gateway_down();
      log_info("stopping: the interface and its peers are down");
    } catch (const std::exception& e) {
      log_error(std::string("stopping: taking the interface down failed (") + e.what() +
                "); the firewall table stays in force");
    }
    if (const auto table = node_.firewall_table()) {
      if (node_.table_kept())
        log_error("firewall: table inet " + *table +
                  " kept, because peers may still be on the interface; `picket wipe` removes both");
      else
        log_info("firewall: table inet " + *table + " removed");
    }
  }
  PeersDownFirst(const PeersDownFirst&) = delete;
  PeersDownFirst& operator=(const PeersDownFirst&) = delete;

 private:
  Service& service_;
  gateway::GatewayNode& node_;
};

// The resolver's settings, when picketd runs one.
std::unique_ptr<DnsService> make_dns_service(const DnsOptions& options, Store& store,
                                             GatewayLink& link, Service& service) {
  if (!options.enabled) return nullptr;
  auto settings =
      load_or_seed_dns_settings(store, options.seed, gateway::dns::dns_over_tls_available());
  auto dns = std::make_unique<DnsService>(store, link, service, std::move(settings),
                                          options.cache_mb << 20);
  if (dns->upstream_unusable()) {
    // Never fall back to plaintext: ask no one until an admin picks a mode.
    log_error(std::string("DNS resolver: only device names answer. The stored upstream: ") +
              gateway::dns::kDnsOverTlsUnavailable + "; pick one with `picket dns set --upstream`");
  }
  return dns;
}

// Where changes go: this host's own interface (a single box), or gateway
// hosts driven over the channel (--role controller).
struct DataPlane {
  std::unique_ptr<gateway::GatewayNode> node;  // single box
  std::unique_ptr<LocalGatewayLink> local;     // single box
  std::unique_ptr<ControllerRole> controller;  // controller role

  GatewayLink& link() {
    return controller ? static_cast<GatewayLink&>(controller->fleet()) : *local;
  }
};

DataPlane make_data_plane(const DaemonOptions& options, asio::io_context& io, Store& store) {
  DataPlane plane;
  if (options.controller.enabled) {
    plane.controller = std::make_unique<ControllerRole>(options.controller, io, store);
  } else {
    plane.node = make_gateway_node(options, *store.settings());
    plane.local = std::make_unique<LocalGatewayLink>(*plane.node);
  }
  return plane;
}

// Everything that serves an open state: the data plane, the API, firewall,
// DNS, timers. Built at start, or in locked mode when `picket unlock`
// succeeds.
class Serving {
 public:
  Serving(const DaemonOptions& options, asio::io_context& io, State state, StateSealer* sealer,
          api::UnlockHooks* unlock)
      : state_(std::move(state)),
        plane_(make_data_plane(options, io, *state_.store)),
        service_(*state_.store, plane_.link(), state_.private_key, system_clock_now,
                 [name = state_.store->settings()->interface_name] {
                   return gateway::prefixes_on_other_interfaces(name);
                 }),
        // Bad admin API options (e.g. a public address without TLS) stop us
        // here, before the interface is touched.
        admin_api_(*state_.store, service_,
                   {options.api_port, options.api_listen, options.tls_cert, options.tls_key,
                    options.session_idle_timeout}),
        dns_(make_dns_service(options.dns, *state_.store, plane_.link(), service_)),
        // A controller's stop leaves the gateways serving until their lease
        // ends; a single box takes its own interface down.
        peers_down_first_(plane_.node ? std::make_unique<PeersDownFirst>(service_, *plane_.node)
                                      : nullptr),
        loop_(io, service_, std::chrono::seconds(options.drift_interval_seconds)),
        seizure_(io, service_, *state_.store, options.state_dir, sealer),
        hangup_(io, SIGHUP) {
    const auto report = service_.start();
    if (dns_) log_info("DNS resolver: " + summary_text(plane_.link().blocklists()));
    if (plane_.node) {
      log_info(std::string("using the ") + std::string(plane_.node->backend_kind()) +
               " WireGuard backend on interface " + plane_.node->interface_name());
      log_info("interface ready: " + counts(report));
    } else {
      log_info("controller: the state is ready for the gateways: " + counts(report));
      admin_api_.set_gateway_hooks(plane_.controller->hooks());
    }
    if (dns_) admin_api_.set_dns(*dns_);
    // 5xx on a change: the request was valid but applying or storing it failed.
    admin_api_.on_failed_change([this] { loop_.repair_after_failure(); });
    admin_api_.set_seizure_hooks(seizure_.hooks());
    admin_api_.set_unlock_hooks(unlock);
    // A second connection to the same interface, used only for reading, so
    // that the listings' live figures never hold up the API thread.
    // On a controller the listings' figures come from the gateways, asked
    // on LiveStats' thread too (the fleet takes calls from any thread).
    if (plane_.node)
      admin_api_.read_live_stats_with(plane_.node->live_reader(backend_choice(options)));
    else
      admin_api_.read_live_stats_with(
          [fleet = &plane_.controller->fleet()] { return fleet->read(); });
    admin_api_.listen(io, [this] { loop_.arm_expiry(); });
    loop_.start();
    // SIGHUP rereads the DNS blocklists; a bad file keeps the old list.
    if (dns_) wait_hangup();
  }
  ~Serving() {
    admin_api_.close();  // the listeners must go before the io_context
    if (plane_.controller)
      log_info("stopping: the gateways keep serving until their lease ends without us");
  }
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;

  ApiResponse handle(const ApiRequest& request) {
    auto response = admin_api_.handle(request);
    loop_.arm_expiry();
    return response;
  }

 private:
  void wait_hangup() {
    hangup_.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      try {
        log_info("DNS blocklists reloaded: " + summary_text(dns_->reload()));
      } catch (const std::exception& e) {
        log_error(std::string("DNS blocklist reload failed, the old list stays: ") + e.what());
      }
      wait_hangup();
    });
  }

  State state_;
  DataPlane plane_;
  Service service_;
  api::AdminApi admin_api_;
  std::unique_ptr<DnsService> dns_;
  // Destroyed before everything it takes down.
  std::unique_ptr<PeersDownFirst> peers_down_first_;
  Loop loop_;
  SeizureRuntime seizure_;
  asio::signal_set hangup_;
};

}  // namespace

int run_daemon(const DaemonOptions& options) {
  // A socket path that cannot be used stops picketd before anything starts.
  api::UnixServer::check_path(options.socket_path);
  const bool locked = options.locked || sealed_state_exists(options.state_dir);
  asio::io_context io(1);
  // Declared first so it outlives the store that calls it.
  std::unique_ptr<StateSealer> sealer;
  api::UnlockHooks hooks;
  std::unique_ptr<Serving> serving;
  if (locked) {
    enter_locked_mode(options);
  } else {
    serving = std::make_unique<Serving>(options, io, open_state(options), nullptr, &hooks);
  }

  // Runs on the io thread, as does everything that touches `serving`.
  hooks = unlock_hooks(
      options, locked, [&] { return serving != nullptr; },
      [&](const std::string& passphrase) {
        auto unlocked = unlock_state(options, passphrase);
        auto next = std::make_unique<Serving>(options, io, std::move(unlocked.state),
                                              unlocked.sealer.get(), &hooks);
        sealer = std::move(unlocked.sealer);
        serving = std::move(next);
        sd_notify(0, "STATUS=unlocked");
        return unlocked.how;
      });
  // Until then the same route table answers, with no Service behind it:
  // the unlock routes, and 423 for every other.
  api::ApiContext locked_api;
  locked_api.unlock = &hooks;
  api::UnixServer server(io, options.socket_path, [&](const ApiRequest& request) {
    if (serving) return serving->handle(request);
    try {
      return api::dispatch(locked_api, request, false);
    } catch (...) {
      return api::reply_for_current_exception();
    }
  });

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    log_info(!serving                     ? "stopping while locked"
             : options.controller.enabled ? "stopping"
                                          : "stopping; the interface and its peers go first, then "
                                            "the firewall table");
    // Type=notify: systemd shows the unit as stopping at once, not when it exits.
    sd_notify(0, "STOPPING=1");
    io.stop();
  });
  log_info(locked ? "locked; waiting for `picket unlock` on " + options.socket_path.string()
                  : "ready; the CLI talks to " + options.socket_path.string());
  // Only now does systemd (Type=notify) start units ordered after us, so a
  // `picket` call right after `systemctl start` finds the socket listening.
  // Without NOTIFY_SOCKET (not under systemd) this does nothing.
  sd_notify(0, locked ? "READY=1\nSTATUS=locked: waiting for picket unlock" : "READY=1");
  io.run();
  serving.reset();  // the listeners must go before the io_context they run on
  return 0;
}

}  // namespace picket::controller
