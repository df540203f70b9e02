#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/live_stats.hpp"
#include "picket/controller/api.hpp"

namespace picket::controller::api {

// Aggregate counters for Prometheus: never a label that names a member,
// device, admin or address. Other parts (the DNS resolver, the firewall)
// add their own lines with add_source().
class Metrics {
 public:
  using Source = std::function<void(std::string& out)>;
  static constexpr std::array<double, 8> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01,
                                                         0.025, 0.05,   0.1,   0.5};

  explicit Metrics(Service& service) : service_(service) {}

  void add_source(Source source) { sources_.push_back(std::move(source)); }
  // Counts one answered API request; successful changes also feed the
  // apply-latency histogram (a change returns only once applied).
  void count(const ApiRequest& request, const ApiResponse& response, double seconds);
  // The Prometheus text exposition format. `live`: the interface's figures
  // as the listings see them (LiveStats), for the count of devices active
  // lately; a scrape never reads the interface itself.
  std::string render(std::int64_t now, const LiveStats::ByKey& live);

 private:
  Service& service_;
  std::vector<Source> sources_;
  std::array<std::uint64_t, 6> by_class_{};  // 1xx..5xx, index = status / 100
  std::uint64_t unauthenticated_ = 0, rate_limited_ = 0, login_failed_ = 0;
  std::array<std::uint64_t, kLatencyBuckets.size()> change_buckets_{};
  std::uint64_t changes_ = 0;
  double change_seconds_ = 0;
};

}  // namespace picket::controller::api
