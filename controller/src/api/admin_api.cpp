#include "api/admin_api.hpp"

#include "api/host_check.hpp"
#include "common/log.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::controller::api {

AdminApi::AdminApi(Store& store, Service& service, const AdminListenOptions& options)
    : service_(service),
      extra_addresses_(options.extra_addresses),
      listeners_(admin_listeners(options, service.settings())),
      tls_(options.tls_cert.empty() ? nullptr
                                    : make_tls_context(options.tls_cert, options.tls_key)),
      accounts_(store, system_clock_now, options.session_idle_timeout),
      audit_(store),
      metrics_(service),
      api_(service, accounts_, audit_, metrics_,
           "http://" + tunnel_ipv4(service.settings()) + ":" + std::to_string(options.port) + "/") {
  api_.serve_metrics_with(
      [this] { return metrics_.render(system_clock_now(), api_.live_figures()); });
}

std::vector<std::string> AdminApi::allowed_hosts() const {
  const auto& settings = service_.settings();
  std::vector<std::string> names = {"localhost", "127.0.0.1", "::1", tunnel_ipv4(settings),
                                    gateway::nth_address(settings.ipv6_subnet, 1).str()};
  for (const auto& address : extra_addresses_)
    if (auto name = host_of(address.find(':') != std::string::npos ? "[" + address + "]" : address))
      names.push_back(*name);
  if (auto endpoint = host_of(settings.endpoint)) names.push_back(*endpoint);
  return names;
}

void AdminApi::listen(boost::asio::io_context& io, std::function<void()> after_call) {
  if (listeners_.empty()) {
    log_info("the admin HTTP API is off (--api-port 0)");
  } else {
    HttpHandlers handlers;
    handlers.api = [this, after_call, offload = passwords_.offload(io.get_executor())](
                       ApiRequest request, HttpHandlers::Respond respond) {
      api_.handle_async(std::move(request), offload,
                        [after_call, respond = std::move(respond)](ApiResponse response) {
                          after_call();
                          respond(std::move(response));
                        });
    };
    handlers.host_allowed = [this](std::string_view host) {
      return host_allowed(host, allowed_hosts());
    };
    http_ = std::make_unique<HttpServer>(io, listeners_, tls_, std::move(handlers));
    std::string where;
    for (const auto& endpoint : http_->endpoints()) {
      where += (where.empty() ? "" : ", ") + endpoint.address().to_string() + ":" +
               std::to_string(endpoint.port());
    }
    log_info("admin API listening on " + where);
  }
  // The one secret the log may carry: it is useless once the first admin exists.
  if (const auto& token = accounts_.setup_token()) {
    log_info(
        "no admin account yet; create the first one with this one-time setup token "
        "(`picket admin setup-url` prints it again): " +
        *token);
  }
}

}  // namespace picket::controller::api
