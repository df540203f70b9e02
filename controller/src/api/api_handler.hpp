#pragma once

#include <functional>

#include "api/metrics.hpp"
#include "api/response_cache.hpp"
#include "api/route_table.hpp"
#include "picket/controller/api.hpp"

namespace picket::controller::api {

// The whole API for every transport: finds the route, then for HTTP
// requests checks the session (401), cross-origin requests and the CSRF
// token on state-changing methods (403) and the body's type (415), runs the
// handler and turns exceptions into JSON errors. Requests from the unix
// socket run as root without those checks.
class Api {
 public:
  using Next = std::function<ApiResponse(const ApiRequest&)>;
  // Handlers kept outside the route table (the firewall's and the DNS
  // resolver's), as a chain that ends in `next`, the route table. They run
  // after the session, CSRF and content-type checks, so on HTTP they are as
  // protected as the table's routes; `next` never throws.
  using Extension = std::function<ApiResponse(const ApiRequest&, const Next& next)>;

  Api(Service& service, auth::Accounts& accounts, AuditStore& audit, Metrics& metrics,
      std::string ui_url = "")
      : context_{service, &accounts, &audit, std::move(ui_url)}, metrics_(metrics) {}

  ApiResponse handle(const ApiRequest& request);
  void set_extension(Extension extension) { extension_ = std::move(extension); }
  void set_seizure_hooks(SeizureHooks hooks) {
    seizure_ = std::move(hooks);
    context_.seizure = &seizure_;
  }

 private:
  SeizureHooks seizure_;
  ApiContext context_;
  Extension extension_;
  ResponseCache cache_;
  Metrics& metrics_;
};

// Routing and the handler call, without the HTTP checks (used by both).
ApiResponse dispatch(ApiContext& context, const ApiRequest& request, bool authenticate,
                     const Api::Extension& extension = {}, ResponseCache* cache = nullptr);

}  // namespace picket::controller::api
