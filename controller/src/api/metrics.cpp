#include "api/metrics.hpp"

#include <sstream>

#include "api/gate.hpp"

namespace picket::controller::api {

namespace {
constexpr std::int64_t kActiveWindow = 180;
}  // namespace

void Metrics::count(const ApiRequest& request, const ApiResponse& response, double seconds) {
  const auto status_class = static_cast<std::size_t>(response.status / 100);
  if (status_class < by_class_.size()) ++by_class_[status_class];
  if (response.status == 401) ++unauthenticated_;
  if (response.status == 429) ++rate_limited_;
  // Only a 401 can be a failed login: no scan of every answer (a listing
  // is tens of kB) on the read path.
  if (response.status == 401 && response.body.find("\"login_failed\"") != std::string::npos)
    ++login_failed_;
  if (is_state_changing(request.method) && response.status >= 200 && response.status < 300) {
    ++changes_;
    change_seconds_ += seconds;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
      if (seconds <= kLatencyBuckets[i]) ++change_buckets_[i];
  }
}

std::string Metrics::render(std::int64_t now, const LiveStats::ByKey& live) {
  std::ostringstream out;
  std::size_t devices = 0, enabled = 0;
  for (const auto& status : service_.list_devices(std::nullopt)) {
    ++devices;
    if (status.active) ++enabled;
  }
  std::size_t active_recently = 0;
  for (const auto& [key, stats] : live) {
    const auto handshake = stats.last_handshake_unix;
    if (handshake > 0 && now - handshake <= kActiveWindow) ++active_recently;
  }
  out << "# HELP picket_devices Devices in the database.\n# TYPE picket_devices gauge\n"
      << "picket_devices " << devices << "\n"
      << "# HELP picket_devices_enabled Devices that should be on the interface now.\n"
      << "# TYPE picket_devices_enabled gauge\npicket_devices_enabled " << enabled << "\n"
      << "# HELP picket_devices_active_3m Devices with a handshake in the last 3 minutes.\n"
      << "# TYPE picket_devices_active_3m gauge\npicket_devices_active_3m " << active_recently
      << "\n"
      << "# HELP picket_api_requests_total API requests answered, by status class.\n"
      << "# TYPE picket_api_requests_total counter\n";
  for (std::size_t i = 1; i < by_class_.size(); ++i)
    out << "picket_api_requests_total{class=\"" << i << "xx\"} " << by_class_[i] << "\n";
  out << "# HELP picket_api_errors_total API answers with a 5xx status.\n"
      << "# TYPE picket_api_errors_total counter\npicket_api_errors_total " << by_class_[5] << "\n"
      << "# HELP picket_api_unauthenticated_total Requests refused for want of a session.\n"
      << "# TYPE picket_api_unauthenticated_total counter\npicket_api_unauthenticated_total "
      << unauthenticated_ << "\n"
      << "# HELP picket_login_failures_total Failed admin logins.\n"
      << "# TYPE picket_login_failures_total counter\npicket_login_failures_total " << login_failed_
      << "\n"
      << "# HELP picket_api_rate_limited_total Requests refused by the login rate limit.\n"
      << "# TYPE picket_api_rate_limited_total counter\npicket_api_rate_limited_total "
      << rate_limited_ << "\n"
      << "# HELP picket_apply_seconds Time to apply a change (database and interface).\n"
      << "# TYPE picket_apply_seconds histogram\n";
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
    out << "picket_apply_seconds_bucket{le=\"" << kLatencyBuckets[i] << "\"} " << change_buckets_[i]
        << "\n";
  out << "picket_apply_seconds_bucket{le=\"+Inf\"} " << changes_ << "\n"
      << "picket_apply_seconds_sum " << change_seconds_ << "\n"
      << "picket_apply_seconds_count " << changes_ << "\n";
  std::string text = out.str();
  for (const auto& source : sources_) source(text);
  return text;
}

}  // namespace picket::controller::api
