// The backend suite and the kernel's own failure modes against the real
// kernel WireGuard module. Hidden ("[.]") from plain runs: the machines
// here have no WireGuard module, so tests/vm/ boots Debian's kernel under
// qemu and runs `picket_gateway_tests [kernel]` inside it.

#include "picket/gateway/kernel_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "backend_suite.hpp"
#include "netlink/link.hpp"
#include "node_suite.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;

namespace {

std::string unique_kernel_name() {
  static int counter = 0;
  return "pkt" + std::to_string(counter++);
}

struct KernelHarness {
  std::vector<std::string> names;
  netlink::LinkControl links;

  std::string fresh_name() {
    names.push_back(unique_kernel_name());
    return names.back();
  }
  std::unique_ptr<WireGuardBackend> make(const std::string& name) {
    KernelOptions options;
    options.interface_name = name;
    return make_kernel_backend(options);
  }
  void check_link(const std::string& name, const LinkSettings& expected) {
    CHECK(links.kind(name) == "wireguard");
    CHECK(links.mtu(name) == expected.mtu);
    CHECK(links.is_up(name));
    auto have = links.addresses(name);
    auto want = expected.addresses;
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    CHECK(have == want);
  }
  void check_gone(const std::string& name) { CHECK_FALSE(links.exists(name)); }
  ~KernelHarness() {
    for (const std::string& name : names) {
      try {
        links.remove(name);
      } catch (const std::exception& e) {
        WARN("cleanup of " << name << ": " << e.what());
      }
    }
  }
};

}  // namespace

PICKET_BACKEND_SUITE("kernel backend", "[.][kernel]", KernelHarness)
PICKET_NODE_SUITE("kernel backend", "[.][kernel]", KernelHarness)

TEST_CASE("kernel backend: the probe finds kernel WireGuard", "[.][kernel]") {
  std::string why;
  CHECK(kernel_wireguard_available(&why));
  CHECK(why.empty());
}

TEST_CASE("kernel backend: an interface that vanished", "[.][kernel]") {
  KernelHarness h;
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  h.links.remove(name);  // someone ran `ip link del`
  CHECK_THROWS_WITH(backend->apply(plan_upsert(test_peer(1))),
                    Catch::Contains(name) && Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(backend->read(), Catch::Contains("does not exist"));
  backend->ensure_interface(suite_link());  // and it comes back
  CHECK(backend->read().peers.empty());
}

TEST_CASE("kernel backend: an attribute the kernel refuses", "[.][kernel]") {
  KernelHarness h;
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  PeerConfig peer = test_peer(1);
  peer.allowed_ips = {Cidr{IpAddress::parse("10.9.0.0"), 33}};  // no such IPv4 prefix
  CHECK_THROWS_WITH(backend->apply(plan_upsert(peer)), Catch::Contains("refused an attribute"));
}

TEST_CASE("kernel backend: a message larger than the kernel takes", "[.][kernel]") {
  KernelHarness h;
  const std::string name = h.fresh_name();
  KernelOptions options;
  options.interface_name = name;
  options.max_message_size = 8 << 20;  // far past the socket's send buffer
  auto backend = make_kernel_backend(options);
  backend->ensure_interface(suite_link());
  // One peer with 20,000 addresses: about 560 KB in a single message.
  PeerConfig peer = test_peer(1);
  for (unsigned i = 0; i < 20000; ++i)
    peer.allowed_ips.push_back(Cidr{nth_address(Cidr::parse("172.16.0.0/12"), i), 32});
  CHECK_THROWS_WITH(backend->apply(plan_upsert(peer)), Catch::Contains("EMSGSIZE"));
  CHECK(backend->read().peers.empty());  // one message: nothing half-applied
}

TEST_CASE("kernel backend: a link of another kind is not adopted", "[.][kernel]") {
  KernelOptions options;
  options.interface_name = "lo";
  CHECK_THROWS_WITH(make_kernel_backend(options)->ensure_interface(suite_link()),
                    Catch::Contains("not a WireGuard link") || Catch::Contains("non-WireGuard"));
}

TEST_CASE("kernel backend: a set that fails half-way is read back and re-planned", "[.][kernel]") {
  KernelHarness h;
  const std::string name = h.fresh_name();
  std::size_t sent = 0;
  bool sabotage = true;
  KernelOptions options;
  options.interface_name = name;
  options.max_message_size = 4096;  // about 30 peers per message
  // The third message goes to an interface name that does not exist, so the
  // kernel itself fails it (ENODEV) after two messages went through.
  options.before_send = [&](std::size_t index, std::vector<std::uint8_t>& message) {
    ++sent;
    if (sabotage && index == 2) {
      message[24] = 'X';  // first letter of WGDEVICE_A_IFNAME
      sabotage = false;
    }
  };
  auto backend = make_kernel_backend(options);
  backend->ensure_interface(suite_link());
  const DesiredInterface d = suite_desired(300);

  SECTION("apply says how far it got") {
    CHECK_THROWS_WITH(backend->apply(plan(d, DeviceSnapshot{})),
                      Catch::Contains("after 2 of") && Catch::Contains("read the interface back"));
    const auto partial = backend->read().peers.size();
    CHECK(partial > 0);
    CHECK(partial < 300);
  }
  SECTION("the reconciler finishes the job") {
    Reconciler rec(*backend);
    const ReconcileResult r = rec.reconcile(d);
    CHECK(r.added == 300);
    CHECK(!sabotage);
    CHECK(canonical(backend->read()) == canonical(d.peers));
    CHECK(rec.reconcile(d) == ReconcileResult{});
  }
}

TEST_CASE("kernel backend: names and limits are checked", "[netlink]") {
  KernelOptions options;
  for (const char* bad : {"", "a/b", "..", "sixteen-chars-xx", "with space"}) {
    options.interface_name = bad;
    CHECK_THROWS_AS(make_kernel_backend(options), Error);
  }
  options.interface_name = "pk0";
  options.max_message_size = 100;
  CHECK_THROWS_WITH(make_kernel_backend(options), Catch::Contains("at least"));
}
