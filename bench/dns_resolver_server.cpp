// bench/dns_resolver_bench.sh's Picket side: the gateway's resolver on its
// own, on a loopback port, answering loopback sources, with N device names in
// its local zone and misses forwarded (plain DNS) to the benchmark's upstream.
// Usage: picket_bench_dns_server PORT UPSTREAM(ADDR@PORT) LOCAL_NAMES
#include <csignal>
#include <iostream>
#include <string>

#include "picket/gateway/dns/resolver.hpp"

namespace dns = picket::gateway::dns;
using picket::gateway::Cidr;
using picket::gateway::IpAddress;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: picket_bench_dns_server PORT UPSTREAM LOCAL_NAMES\n";
    return 2;
  }
  try {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // threads started below inherit it

    dns::ResolverConfig config;
    config.listen = {IpAddress::parse("127.0.0.1")};
    config.port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    config.allowed_sources = {Cidr::parse("127.0.0.0/8")};
    config.upstream.mode = dns::UpstreamConfig::Mode::plain;
    config.upstream.servers = {argv[2]};
    config.upstream.dnssec = false;
    config.rate_limit_per_source = 0;  // dnsperf is one source
    const auto made = dns::make_resolver(config);
    dns::Resolver& resolver = *made;
    const int names = std::stoi(argv[3]);
    std::vector<dns::LocalZone::Entry> entries;
    for (int i = 0; i < names; ++i) {
      IpAddress ip = IpAddress::parse("10.77.0.0");
      ip.bytes[2] = static_cast<std::uint8_t>((i + 2) >> 8);
      ip.bytes[3] = static_cast<std::uint8_t>(i + 2);
      entries.push_back({"dev" + std::to_string(i) + ".member.picket.internal", {ip}, {}});
    }
    resolver.local_zone().replace_all(entries);
    // dnsperf asks from loopback, which holds no device: every name visible.
    resolver.local_zone().set_open(true);
    std::cout << "ready" << std::endl;
    int signal = 0;
    sigwait(&set, &signal);
    const auto s = resolver.stats();
    std::cout << "queries " << s.queries << " cache_hits " << s.cache_hits << " local " << s.local
              << " upstream " << s.upstream << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "picket_bench_dns_server: " << e.what() << "\n";
    return 1;
  }
}
