// Picket's kernel backend against `wg setconf` and `wg syncconf` on the same
// kernel, at 10,000 peers: cold apply, one peer added, one removed. Runs
// inside the test VM (bench/kernel_vm_bench.sh); TCG distorts absolute
// times, so the figures to read are the ratios.

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "picket/gateway/error.hpp"
#include "picket/gateway/kernel_backend.hpp"
#include "picket/gateway/reconciler.hpp"

using namespace picket::gateway;

namespace {

constexpr unsigned kPeers = 10000;
constexpr int kRepeats = 5;  // one-peer changes are short: take the median of a few

SecretKey seeded(unsigned n) {
  KeyBytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>((n >> (8 * (i % 4))) + i * 13 + 5);
  return SecretKey(bytes);
}

PeerConfig peer(unsigned n) {
  PeerConfig p;
  p.public_key = public_key_of(seeded(n));
  p.allowed_ips = {Cidr{nth_address(Cidr::parse("10.0.0.0/8"), n + 2), 32},
                   Cidr{nth_address(Cidr::parse("fd77:77::/64"), n + 2), 128}};
  return p;
}

void write_conf(const std::string& path, const DesiredInterface& d) {
  std::ofstream out(path);
  out << "[Interface]\nPrivateKey = " << d.private_key.base64()
      << "\nListenPort = " << d.listen_port << "\n";
  for (const PeerConfig& p : d.peers) {
    out << "\n[Peer]\nPublicKey = " << p.public_key.base64() << "\nAllowedIPs = ";
    for (std::size_t i = 0; i < p.allowed_ips.size(); ++i)
      out << (i ? ", " : "") << p.allowed_ips[i].str();
    out << "\n";
  }
}

double ms(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void run(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw Error("failed: " + command);
}

void report(const char* what, double picket, const char* tool, double other) {
  std::printf("%-34s picket %9.1f ms   %-14s %9.1f ms   %s/picket = %6.1fx\n", what, picket, tool,
              other, tool, other / picket);
}

}  // namespace

int main() {
  try {
    if (sodium_init() < 0) throw Error("libsodium failed to start");
    LinkSettings link;
    DesiredInterface d;
    d.private_key = seeded(1'000'000);
    d.listen_port = 51000;
    for (unsigned n = 0; n < kPeers; ++n) d.peers.push_back(peer(n));
    DesiredInterface plus = d;
    plus.peers.push_back(peer(kPeers));
    write_conf("/tmp/bench.conf", d);
    write_conf("/tmp/bench-plus.conf", plus);
    const PeerConfig extra = plus.peers.back();
    const std::string extra_key = extra.public_key.base64();

    KernelOptions options;
    options.interface_name = "pkb0";
    auto ours = make_kernel_backend(options);
    ours->ensure_interface(link);
    options.interface_name = "pkb1";
    auto theirs = make_kernel_backend(options);  // only to create the link
    theirs->ensure_interface(link);
    d.listen_port = 51001;  // the two interfaces cannot share a port
    Reconciler rec(*ours);

    std::printf("kernel WireGuard, %u peers, median of %d for one-peer changes\n", kPeers,
                kRepeats);
    const double cold_ours = ms([&] { rec.reconcile(d); });
    const double cold_theirs = ms([&] { run("wg setconf pkb1 /tmp/bench.conf"); });
    if (ours->read().peers.size() != kPeers || theirs->read().peers.size() != kPeers)
      throw Error("cold apply did not leave 10,000 peers");
    report("cold apply of 10,000 peers", cold_ours, "wg setconf", cold_theirs);

    std::vector<double> add_ours, rm_ours, add_sync, rm_sync, add_set, rm_set, add_rec;
    for (int i = 0; i < kRepeats; ++i) {
      add_ours.push_back(ms([&] { rec.upsert_peer(extra); }));
      rm_ours.push_back(ms([&] { rec.remove_peer(extra.public_key); }));
      DesiredInterface with = d;
      with.peers.push_back(extra);
      add_rec.push_back(ms([&] { rec.reconcile(with); }));
      rec.remove_peer(extra.public_key);
      add_sync.push_back(ms([&] { run("wg syncconf pkb1 /tmp/bench-plus.conf"); }));
      rm_sync.push_back(ms([&] { run("wg syncconf pkb1 /tmp/bench.conf"); }));
      add_set.push_back(ms([&] {
        run("wg set pkb1 peer " + extra_key + " allowed-ips " + extra.allowed_ips[0].str() + "," +
            extra.allowed_ips[1].str());
      }));
      rm_set.push_back(ms([&] { run("wg set pkb1 peer " + extra_key + " remove"); }));
    }
    report("add one peer at 10,000", median(add_ours), "wg syncconf", median(add_sync));
    report("remove one peer at 10,000", median(rm_ours), "wg syncconf", median(rm_sync));
    report("add one peer at 10,000", median(add_ours), "wg set", median(add_set));
    report("remove one peer at 10,000", median(rm_ours), "wg set", median(rm_set));
    report("add one peer, full reconcile", median(add_rec), "wg syncconf", median(add_sync));
    ours->remove_interface();
    theirs->remove_interface();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "kernel_apply_bench: " << e.what() << "\n";
    return 1;
  }
}
