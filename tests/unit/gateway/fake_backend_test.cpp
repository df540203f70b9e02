#include "picket/gateway/fake_backend.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>

#include "backend_suite.hpp"
#include "node_suite.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;

namespace {

// Several backend objects on one name must see one interface, as they would
// on a real machine; this forwards to a FakeBackend shared per name.
class SharedFake final : public WireGuardBackend {
 public:
  explicit SharedFake(std::shared_ptr<FakeBackend> fake) : fake_(std::move(fake)) {}
  std::string_view kind() const noexcept override { return fake_->kind(); }
  const std::string& interface_name() const noexcept override { return fake_->interface_name(); }
  void ensure_interface(const LinkSettings& link) override { fake_->ensure_interface(link); }
  bool interface_exists() override { return fake_->interface_exists(); }
  void remove_interface() override { fake_->remove_interface(); }
  DeviceSnapshot read() override { return fake_->read(); }
  void apply(const DeviceChange& change) override { fake_->apply(change); }

 private:
  std::shared_ptr<FakeBackend> fake_;
};

struct FakeHarness {
  std::map<std::string, std::shared_ptr<FakeBackend>> fakes;
  int counter = 0;

  std::string fresh_name() { return "fake" + std::to_string(counter++); }
  std::unique_ptr<WireGuardBackend> make(const std::string& name) {
    auto& fake = fakes[name];
    if (!fake) fake = std::make_shared<FakeBackend>(name);
    return std::make_unique<SharedFake>(fake);
  }
  void check_link(const std::string& name, const LinkSettings& expected) {
    CHECK(fakes.at(name)->link() == expected);
  }
  void check_gone(const std::string& name) { CHECK(fakes.at(name)->state().peers.empty()); }
};

DesiredInterface desired(unsigned peers) {
  DesiredInterface d;
  d.private_key = test_secret(1);
  d.peers = test_peers(0, peers);
  return d;
}

}  // namespace

PICKET_BACKEND_SUITE("fake backend", "[backend][fake]", FakeHarness)
PICKET_NODE_SUITE("fake backend", "[node][fake]", FakeHarness)

TEST_CASE("fake backend: fails the n-th operation on demand", "[fake]") {
  FakeBackend fake;
  fake.ensure_interface({});
  fake.fail_operation(2);
  CHECK_NOTHROW(fake.read());
  CHECK_THROWS_AS(fake.read(), Error);
  CHECK_NOTHROW(fake.read());
  CHECK(fake.reads() == 3);

  fake.fail_operation(1, 2);
  DeviceChange change;
  change.listen_port = 9;
  change.peers = plan(desired(5), DeviceSnapshot{}).peers;
  CHECK_THROWS_AS(fake.apply(change), Error);
  CHECK(fake.state().peers.size() == 2);
  CHECK(fake.state().listen_port == 9);
  CHECK(fake.peer_changes_applied() == 2);

  fake.fail_operation(1);
  CHECK_THROWS_AS(fake.interface_exists(), Error);
  CHECK(fake.interface_exists());
}

TEST_CASE("fake backend: refuses to work without an interface", "[fake]") {
  FakeBackend fake;
  CHECK_THROWS_AS(fake.read(), Error);
  CHECK_THROWS_AS(fake.apply(plan_remove(test_key(1))), Error);
}

TEST_CASE("reconciler: nothing changed means nothing sent", "[reconciler]") {
  FakeBackend fake;
  fake.ensure_interface({});
  Reconciler rec(fake);
  CHECK(rec.reconcile(desired(10)).added == 10);
  CHECK(fake.applies() == 1);
  CHECK(rec.reconcile(desired(10)) == ReconcileResult{});
  CHECK(fake.applies() == 1);
  CHECK(fake.reads() == 2);
}

TEST_CASE("reconciler: a single upsert or remove costs one apply and one peer", "[reconciler]") {
  FakeBackend fake;
  fake.ensure_interface({});
  Reconciler rec(fake);
  rec.reconcile(desired(100));
  const auto reads = fake.reads();
  const auto applies = fake.applies();
  const auto peers = fake.peer_changes_applied();

  rec.upsert_peer(test_peer(500));
  CHECK(fake.applies() == applies + 1);
  CHECK(fake.peer_changes_applied() == peers + 1);
  rec.remove_peer(test_key(3));
  CHECK(fake.applies() == applies + 2);
  CHECK(fake.peer_changes_applied() == peers + 2);
  CHECK(fake.reads() == reads);
  CHECK(fake.state().peers.size() == 100);
}

TEST_CASE("reconciler: re-reads and re-plans after a partial failure", "[reconciler]") {
  FakeBackend fake;
  fake.ensure_interface({});
  fake.state().peers.push_back(PeerState{test_peer(90), {}});
  fake.state().peers.push_back(PeerState{test_peer(91), {}});
  Reconciler rec(fake);
  const DesiredInterface want = desired(6);

  // Operation 1 is the read, 2 the apply, which gets 4 of 8 peers through.
  fake.fail_operation(2, 4);
  const ReconcileResult r = rec.reconcile(want);
  CHECK(r == ReconcileResult{.added = 6, .updated = 0, .removed = 2, .device_changed = true});
  CHECK(fake.reads() == 2);
  CHECK(fake.applies() == 2);
  // The retry sent only what was still missing, not the whole change again.
  CHECK(fake.peer_changes_applied() == 8);
  CHECK(canonical(fake.state()) == canonical(want.peers));
  CHECK(rec.reconcile(want) == ReconcileResult{});
}

TEST_CASE("reconciler: a second failure reaches the caller", "[reconciler]") {
  FakeBackend fake;
  fake.ensure_interface({});
  Reconciler rec(fake);
  fake.fail_operation(2);
  fake.fail_operation(4);
  CHECK_THROWS_AS(rec.reconcile(desired(3)), Error);
  CHECK(fake.applies() == 2);

  // A failing read before anything is sent changes nothing.
  fake.fail_operation(1);
  CHECK_THROWS_AS(rec.reconcile(desired(3)), Error);
  CHECK(fake.state().peers.empty());
  CHECK(rec.reconcile(desired(3)).added == 3);
}

TEST_CASE("reconciler: drift is undone with the smallest change", "[reconciler]") {
  FakeBackend fake;
  fake.ensure_interface({});
  Reconciler rec(fake);
  rec.reconcile(desired(50));
  apply_change(fake.state(), plan_upsert(test_peer(1000)));  // `wg set` by hand
  const auto before = fake.peer_changes_applied();
  CHECK(rec.reconcile(desired(50)).removed == 1);
  CHECK(fake.peer_changes_applied() == before + 1);
}
