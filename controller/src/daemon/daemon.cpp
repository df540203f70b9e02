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
#include "api/unix_server.hpp"
#include "daemon/backend_selection.hpp"
#include "daemon/firewall_setup.hpp"
#include "daemon/log.hpp"
#include "daemon/seizure_runtime.hpp"
#include "daemon/state_dir.hpp"
#include "domain/dns_runtime.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/host_network.hpp"

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
  Loop(asio::io_context& io, Service& service, gateway::WireGuardBackend& backend,
       std::chrono::seconds drift)
      : service_(service),
        backend_(backend),
        drift_interval_(drift),
        expiry_timer_(io),
        drift_timer_(io) {}

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
      const bool recreate = !backend_.interface_exists();
      const auto report = recreate ? service_.start() : service_.reconcile();
      if (recreate)
        log_info("the interface had vanished and was recreated: " + counts(report));
      else if (report.result != gateway::ReconcileResult{})
        log_info("drift repaired: " + counts(report));
    } catch (const std::exception& e) {
      log_error(std::string("drift repair failed, retrying at the next interval: ") + e.what());
    }
    arm_expiry();
  }

  Service& service_;
  gateway::WireGuardBackend& backend_;
  std::chrono::seconds drift_interval_;
  asio::system_timer expiry_timer_;
  asio::steady_timer drift_timer_;
  std::optional<std::int64_t> armed_expiry_;
};

}  // namespace

int run_daemon(const DaemonOptions& options) {
  auto state = open_state(options);
  auto settings = *state.store->settings();
  auto backend = select_backend(options, settings.interface_name);
  log_info(std::string("using the ") + std::string(backend->kind()) +
           " WireGuard backend on interface " + settings.interface_name);

  const auto interface_name = settings.interface_name;
  Service service(*state.store, *backend, state.private_key, system_clock_now, [interface_name] {
    return gateway::prefixes_on_other_interfaces(interface_name);
  });
  // Bad admin API options (e.g. a public address without TLS) stop us here,
  // before the interface is touched.
  api::AdminApi admin_api(
      *state.store, service,
      {options.api_port, options.api_listen, options.tls_cert, options.tls_key});
  auto firewall_options = options.firewall;
  firewall_options.admin_port = options.api_port;  // the API on the tunnel address
  FirewallRuntime firewall(firewall_options, *state.store, service);
  DnsRuntime dns(options.dns, *state.store, service);
  const auto report = service.start();
  log_info("interface ready: " + counts(report));

  asio::io_context io(1);
  Loop loop(io, service, *backend, std::chrono::seconds(options.drift_interval_seconds));
  // The firewall's and DNS routes run behind the admin API's session and
  // CSRF checks on HTTP, and as root on the unix socket.
  admin_api.set_extension([&](const ApiRequest& request, const api::Api::Next& next) {
    auto response =
        firewall.handle(request, [&](const ApiRequest& r) { return dns.handle(r, next); });
    // 5xx: the request was valid but applying or storing it failed.
    if (response.status >= 500 && request.method != "GET") loop.repair_after_failure();
    return response;
  });
  SeizureRuntime seizure(io, service, firewall, *state.store, options.state_dir);
  admin_api.set_seizure_hooks(seizure.hooks());
  api::UnixServer server(io, options.socket_path, [&](const ApiRequest& request) {
    auto response = admin_api.handle(request);
    loop.arm_expiry();
    return response;
  });
  admin_api.listen(io, [&] { loop.arm_expiry(); });
  loop.start();

  // SIGHUP rereads the DNS blocklists; a bad file keeps the old list.
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> wait_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      try {
        log_info("DNS blocklists reloaded: " + dns.reload_blocklists());
      } catch (const std::exception& e) {
        log_error(std::string("DNS blocklist reload failed, the old list stays: ") + e.what());
      }
      wait_hangup();
    });
  };
  if (options.dns.enabled) wait_hangup();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    log_info("stopping; the interface stays up with its peers");
    // Type=notify: systemd shows the unit as stopping at once, not when it exits.
    sd_notify(0, "STOPPING=1");
    io.stop();
  });
  log_info("ready; the CLI talks to " + options.socket_path.string());
  // Only now does systemd (Type=notify) start units ordered after us, so a
  // `picket` call right after `systemctl start` finds the socket listening.
  // Without NOTIFY_SOCKET (not under systemd) this does nothing.
  sd_notify(0, "READY=1");
  io.run();
  admin_api.close();  // the listeners must go before the io_context they run on
  return 0;
}

}  // namespace picket::controller
