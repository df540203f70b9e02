#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "api/metrics.hpp"
#include "api/request_coroutine.hpp"
#include "api/response_cache.hpp"
#include "api/route_table.hpp"
#include "auth/password_jobs.hpp"
#include "picket/controller/api.hpp"

namespace picket::controller::api {

// The whole API for every transport: finds the route, then for HTTP
// requests checks the session (401), cross-origin requests and the CSRF
// token on state-changing methods (403) and the body's type (415), runs the
// handler and turns exceptions into JSON errors. Requests from the unix
// socket run as root without those checks.
class Api {
 public:
  Api(Service& service, auth::Accounts& accounts, AuditStore& audit, Metrics& metrics,
      std::string ui_url = "")
      : context_{&service, &accounts, &audit, std::move(ui_url)}, metrics_(metrics) {}

  // Serves the request to the end on the calling thread, Argon2id included
  // (the unix socket's way: root needs no password).
  ApiResponse handle(const ApiRequest& request);

  // The HTTP listeners' way, which never runs Argon2id (0.1-0.4 s) on the
  // API thread. A request that may check a password (logins, setup,
  // recovery links, password-checked changes) runs as a RequestCoroutine:
  // where Accounts needs a hash made or checked, `offload` runs the job
  // elsewhere and the request is suspended until the result is back on the
  // API thread, then goes on from there (it runs once). The Store, the
  // Service and Accounts are only ever touched by one thread at a time.
  // `respond` is called once, on the API thread (at once when no password
  // is involved).
  using Respond = std::function<void(ApiResponse)>;
  using PasswordDone = std::function<void(auth::PasswordResult)>;
  // `priority` picks the share of the worker's bounded queue; a full share
  // answers at once with PasswordResult::refused_retry_after.
  using Offload = RequestCoroutine::Offload;
  void handle_async(ApiRequest request, Offload offload, Respond respond);
  // At shutdown, before the worker drops its jobs: every suspended request
  // goes on with a failed check and its answer is dropped, while Accounts
  // still exists.
  void cancel_suspended();

  // The resolver's settings routes (unset: 409, picketd runs without it).
  void set_dns(DnsService& dns) { context_.dns = &dns; }
  // Called after a change answered 5xx: valid, but applying or storing it
  // failed, so the gateway may differ from the database until repaired.
  void on_failed_change(std::function<void()> hook) { failed_change_ = std::move(hook); }
  // The listings' live figures from then on come from `reader` on a thread
  // of its own (LiveStats), never from a read on the API thread.
  void read_live_stats_with(LiveStats::Reader reader) {
    context_.live.read_in_background(std::move(reader));
  }
  // The interface's figures as the listings see them (at most
  // LiveStats::kMaxAge old).
  const LiveStats::ByKey& live_figures() {
    return context_.live.get(*context_.service, LiveStats::Clock::now());
  }
  // /metrics' text (unset: the path is the UI's, as on every listener
  // but the loopback one).
  void serve_metrics_with(std::function<std::string()> render) {
    context_.metrics = std::move(render);
  }
  // The unlock routes' view of the daemon (unset: they answer 409).
  void set_unlock_hooks(UnlockHooks* hooks) { context_.unlock = hooks; }
  // The gateway routes' view of a controller (unset: they answer 409).
  void set_gateway_hooks(GatewayHooks* hooks) { context_.gateways = hooks; }
  void set_seizure_hooks(SeizureHooks hooks) {
    seizure_ = std::move(hooks);
    context_.seizure = &seizure_;
  }

 private:
  SeizureHooks seizure_;
  ApiContext context_;
  std::function<void()> failed_change_;
  ApiResponse run(const ApiRequest& request);
  static bool may_wait_for_password(const ApiRequest& request);
  // Requests waiting for a password job, for cancel_suspended().
  std::vector<std::weak_ptr<RequestCoroutine>> suspended_;
  ApiResponse finish(const ApiRequest& request, ApiResponse response,
                     std::chrono::steady_clock::time_point started);

  ResponseCache cache_;
  Metrics& metrics_;
};

// Routing, the HTTP checks when `authenticate`, and the handler call.
ApiResponse dispatch(ApiContext& context, const ApiRequest& request, bool authenticate,
                     ResponseCache* cache = nullptr);

}  // namespace picket::controller::api
