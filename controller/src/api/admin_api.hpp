#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "api/admin_listeners.hpp"
#include "api/api_handler.hpp"
#include "api/http_server.hpp"
#include "api/metrics.hpp"
#include "api/password_worker.hpp"
#include "auth/accounts.hpp"
#include "store/audit_store.hpp"

namespace picket::controller::api {

// Everything the admin API is made of, wired for the daemon: accounts, the
// audit trail, metrics, the request handler and the HTTP listeners.
class AdminApi {
 public:
  // Checks the listen options (throws std::invalid_argument or
  // std::runtime_error with a clear message) before anything is started.
  AdminApi(Store& store, Service& service, const AdminListenOptions& options);

  // Opens the HTTP listeners on `io`; each answered request then calls
  // `after_call` (the daemon re-arms its expiry timer there).
  void listen(boost::asio::io_context& io, std::function<void()> after_call);
  // Closes the listeners and stops the password worker; call it while
  // their io_context still exists.
  void close() {
    http_.reset();
    api_.cancel_suspended();
    passwords_.stop();
  }
  // Serves a request inline, Argon2id included (the unix socket).
  ApiResponse handle(const ApiRequest& request) { return api_.handle(request); }
  Metrics& metrics() { return metrics_; }
  void set_dns(DnsService& dns) { api_.set_dns(dns); }
  void on_failed_change(std::function<void()> hook) { api_.on_failed_change(std::move(hook)); }
  void read_live_stats_with(LiveStats::Reader reader) {
    api_.read_live_stats_with(std::move(reader));
  }
  void set_seizure_hooks(SeizureHooks hooks) { api_.set_seizure_hooks(std::move(hooks)); }
  void set_unlock_hooks(UnlockHooks* hooks) { api_.set_unlock_hooks(hooks); }
  void set_gateway_hooks(GatewayHooks* hooks) { api_.set_gateway_hooks(hooks); }

 private:
  // The names a Host header may carry (host_check.hpp): loopback, the
  // tunnel addresses, --api-listen's and the endpoint's host name. Read at
  // each request, since the settings may change.
  std::vector<std::string> allowed_hosts() const;

  Service& service_;
  std::vector<std::string> extra_addresses_;
  std::vector<Listener> listeners_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  auth::Accounts accounts_;
  AuditStore audit_;
  Metrics metrics_;
  Api api_;
  PasswordWorker passwords_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace picket::controller::api
