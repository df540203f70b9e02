#pragma once

#include <functional>
#include <memory>
#include <string>

#include "domain/dns_settings.hpp"
#include "domain/dns_zone_listener.hpp"
#include "picket/controller/api.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/dns/resolver.hpp"

namespace picket::controller {

// The members' resolver for the daemon's lifetime: listens on the gateway's
// tunnel addresses, follows the active devices through Service, loads the
// blocklists named in the stored settings. Construct before
// Service::start(). With the resolver disabled it does nothing and passes
// API calls through.
class DnsRuntime {
 public:
  // Throws with a clear message (a port that cannot be bound, a blocklist
  // that cannot be read, damaged settings) before the daemon serves.
  DnsRuntime(const DnsOptions& options, Store& store, Service& service);
  ~DnsRuntime();
  DnsRuntime(const DnsRuntime&) = delete;
  DnsRuntime& operator=(const DnsRuntime&) = delete;

  // Rereads the blocklist files; on any error the old list stays and the
  // error is thrown. Returns a one-line summary (counts only).
  std::string reload_blocklists();

  // Device groups or member isolation changed: who sees which device name
  // follows.
  void refresh_directory();

  // GET/PATCH /api/v1/dns and POST /api/v1/dns/reload in front of `next`.
  ApiResponse handle(const ApiRequest& request,
                     const std::function<ApiResponse(const ApiRequest&)>& next);

 private:
  ApiResponse describe() const;
  ApiResponse patch(const std::string& body);

  DnsOptions options_;
  Store& store_;
  DnsSettings settings_;
  std::unique_ptr<gateway::dns::Resolver> resolver_;
  std::unique_ptr<DnsZoneListener> listener_;
  std::size_t blocked_domains_ = 0;
  std::size_t blocklist_bytes_ = 0;
};

}  // namespace picket::controller
