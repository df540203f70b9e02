// The controller→gateway channel at 10,000 devices, beside the single box:
// a new gateway's full sync, one change reaching two gateways, and the
// process's RSS. Both sides run in this process on 127.0.0.1 over the real
// TLS channel, with FakeBackend nodes, so the figures are the channel's
// cost (codec, TLS, acknowledgements) on top of what a node's own apply
// costs; the WireGuard backend's part is bench/device_churn.sh's.
//
//   build-bench/bench/picket_bench_fleet [devices] [changes]
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "daemon/gateway_fleet.hpp"
#include "picket/gateway/agent/agent.hpp"
#include "picket/gateway/fake_backend.hpp"
#include "picket/gateway/ip.hpp"
#include "picket/gateway/node.hpp"

using namespace picket;
using Clock = std::chrono::steady_clock;
namespace gw = picket::gateway;

namespace {

gw::NodePeer peer(unsigned n) {
  gw::NodePeer p;
  p.wireguard.public_key = gw::public_key_of(gw::generate_private_key());
  p.wireguard.allowed_ips = {
      gw::Cidr{gw::nth_address(gw::Cidr::parse("10.77.0.0/16"), n + 2), 32},
      gw::Cidr{gw::nth_address(gw::Cidr::parse("fd77:77::/64"), n + 2), 128}};
  p.firewall.ipv4 = p.wireguard.allowed_ips[0].address;
  p.firewall.ipv6 = p.wireguard.allowed_ips[1].address;
  p.dns_name = "phone.m" + std::to_string(n);
  return p;
}

gw::GatewayState state_of(unsigned devices) {
  gw::GatewayState state;
  state.private_key = gw::generate_private_key();
  state.link.addresses = {gw::Cidr::parse("10.77.0.1/16"), gw::Cidr::parse("fd77:77::1/64")};
  for (unsigned n = 0; n < devices; ++n) state.peers.push_back(peer(n));
  return state;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

std::unique_ptr<gw::GatewayNode> fake_node() {
  gw::NodeOptions options;
  options.backend = std::make_unique<gw::FakeBackend>("benchgw0");
  return std::make_unique<gw::GatewayNode>(std::move(options));
}

// picket-gateway's core on a FakeBackend node, on the hosts' io thread.
struct Hosts {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::unique_ptr<gw::agent::Agent>> agents;
  std::thread thread{[this] { io.run(); }};

  template <typename F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return result.get();
  }
  gw::agent::Agent& add(gw::agent::ControllerFile file) {
    return *on_io([&] {
      gw::agent::AgentHooks hooks;
      hooks.make_node = [](const gw::LinkSettings&) { return fake_node(); };
      gw::agent::AgentOptions options{
          gw::channel::Identity::generate(), std::move(file), gw::channel::kDefaultLease, {}, {}};
      agents.push_back(
          std::make_unique<gw::agent::Agent>(io, std::move(options), std::move(hooks)));
      agents.back()->start();
      return agents.back().get();
    });
  }
  bool applied(gw::agent::Agent& agent, std::uint64_t version) {
    return on_io([&] { return agent.applied_version() == version; });
  }
  void wait(gw::agent::Agent& agent, std::uint64_t version) {
    while (!applied(agent, version)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Hosts() {
    on_io([this] {
      agents.clear();
      return 0;
    });
    work.reset();
    thread.join();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const unsigned devices = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 10000;
  const unsigned changes = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 50;
  const auto state = state_of(devices);
  std::printf("fleet bench: %u devices, %u changes (FakeBackend nodes, TLS on 127.0.0.1)\n",
              devices, changes);

  // The single box: the node in the process.
  auto local = fake_node();
  auto start = Clock::now();
  local->apply(state);
  const double local_whole = ms(Clock::now() - start);
  std::vector<double> local_changes;
  for (unsigned i = 0; i < changes; ++i) {
    gw::GatewayChange change;
    change.put = {peer(devices + i)};
    start = Clock::now();
    local->apply(change);
    local_changes.push_back(ms(Clock::now() - start));
  }
  local.reset();
  const long rss_single = rss_mib();

  controller::FleetOptions options;
  options.address = "127.0.0.1";
  options.answer_timeout = std::chrono::seconds(30);
  controller::GatewayFleet fleet(std::move(options));
  fleet.apply(state);
  Hosts hosts;
  const auto enrol = [&](const std::string& name) {
    const auto token = fleet.enrolment_token("127.0.0.1", name, name + ".example.org:51820",
                                             std::chrono::seconds(60));
    return gw::agent::ControllerFile{"127.0.0.1", fleet.port(), fleet.pin(), name, token.secret};
  };
  start = Clock::now();
  auto& a = hosts.add(enrol("gw-a"));
  hosts.wait(a, fleet.version());
  const double full_sync = ms(Clock::now() - start);
  auto& b = hosts.add(enrol("gw-b"));
  hosts.wait(b, fleet.version());

  std::vector<double> fleet_changes;
  for (unsigned i = 0; i < changes; ++i) {
    gw::GatewayChange change;
    change.put = {peer(devices + changes + i)};
    start = Clock::now();
    fleet.apply(change);  // returns when both have answered
    fleet_changes.push_back(ms(Clock::now() - start));
    for (const auto& answer : fleet.last_answers())
      if (answer.outcome != controller::GatewayAnswer::Outcome::applied) {
        std::fprintf(stderr, "gateway %s did not apply a change\n", answer.name.c_str());
        return 1;
      }
  }
  const long rss_fleet = rss_mib();

  std::printf("%-44s %10s %10s %7s\n", "", "fleet", "single", "ratio");
  std::printf("%-44s %8.0f ms %8.0f ms %6.2fx\n", "whole state, new gateway (single: local apply)",
              full_sync, local_whole, full_sync / local_whole);
  std::printf("%-44s %8.2f ms %8.2f ms %6.2fx\n", "one change, median (fleet: 2 gateways acked)",
              median(fleet_changes), median(local_changes),
              median(fleet_changes) / median(local_changes));
  std::printf("%-44s %7ld MiB %7ld MiB\n", "peak RSS (fleet: controller + 2 gateways)", rss_fleet,
              rss_single);
  return 0;
}
