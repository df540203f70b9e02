#pragma once

// One behaviour suite for every WireGuardBackend. A harness provides fresh
// interface names, makes backend objects (several may share one name: that is
// how adopting an interface and drift are tested) and checks what only it can
// see (link settings, leftovers after removal):
//
//   struct Harness {
//     std::string fresh_name();
//     std::unique_ptr<WireGuardBackend> make(const std::string& name);
//     void check_link(const std::string& name, const LinkSettings& expected);
//     void check_gone(const std::string& name);
//   };
//
// PICKET_BACKEND_SUITE(prefix, tags, Harness) expands to one TEST_CASE per
// behaviour, so each shows up in ctest on its own.

#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "picket/gateway/backend.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/plan.hpp"
#include "picket/gateway/reconciler.hpp"

namespace picket::gateway::test {

inline LinkSettings suite_link() {
  LinkSettings link;
  link.mtu = 1380;
  link.addresses = {Cidr::parse("10.77.0.1/16"), Cidr::parse("fd77:77::1/64")};
  return link;
}

// A fixed port per test: with port 0 the interface picks one, reads back
// something else and nothing would ever be "in sync".
inline std::uint16_t suite_port() {
  static std::uint16_t next = 41000;
  return next++;
}

inline DesiredInterface suite_desired(unsigned peers) {
  DesiredInterface d;
  d.private_key = test_secret(4242);
  d.listen_port = suite_port();
  d.peers = test_peers(0, peers);
  if (peers > 1) {
    d.peers[1].preshared_key = test_secret(777);
    d.peers[1].persistent_keepalive = 25;
  }
  return d;
}

template <class H>
void suite_create(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  CHECK_FALSE(backend->interface_exists());
  backend->ensure_interface(suite_link());
  CHECK(backend->interface_exists());
  h.check_link(name, suite_link());

  const DesiredInterface d = suite_desired(0);
  Reconciler rec(*backend);
  const ReconcileResult first = rec.reconcile(d);
  CHECK(first.device_changed);
  const DeviceSnapshot snap = backend->read();
  REQUIRE(snap.private_key);
  CHECK(*snap.private_key == clamp_private_key(d.private_key));
  CHECK(snap.listen_port == d.listen_port);
  CHECK(snap.peers.empty());
  CHECK(rec.reconcile(d) == ReconcileResult{});

  // Calling it again is harmless, and it reconciles changed link settings.
  LinkSettings other = suite_link();
  other.mtu = 1280;
  other.addresses = {Cidr::parse("10.78.0.1/24"), Cidr::parse("fd78::1/64")};
  backend->ensure_interface(other);
  backend->ensure_interface(other);
  h.check_link(name, other);
  CHECK(backend->read().private_key);
}

template <class H>
void suite_add_peers(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  const DesiredInterface d = suite_desired(3);
  Reconciler rec(*backend);
  const ReconcileResult r = rec.reconcile(d);
  CHECK(r.added == 3);
  CHECK(r.updated == 0);
  CHECK(r.removed == 0);
  const DeviceSnapshot snap = backend->read();
  CHECK(canonical(snap) == canonical(d.peers));
  for (const PeerState& p : snap.peers) {
    CHECK(p.stats.last_handshake_unix == 0);
    CHECK(p.stats.rx_bytes == 0);
  }
  CHECK(rec.reconcile(d) == ReconcileResult{});
}

template <class H>
void suite_incremental(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  DesiredInterface d = suite_desired(3);
  Reconciler rec(*backend);
  rec.reconcile(d);

  PeerConfig added = test_peer(10);
  added.preshared_key = test_secret(11);
  rec.upsert_peer(added);
  rec.remove_peer(d.peers[0].public_key);
  rec.remove_peer(test_key(999));  // not there: harmless
  d.peers.erase(d.peers.begin());
  d.peers.push_back(added);
  CHECK(canonical(backend->read()) == canonical(d.peers));

  // Upsert of an existing peer changes it in place.
  added.persistent_keepalive = 30;
  added.preshared_key.reset();
  added.allowed_ips = {Cidr::parse("10.77.200.0/24")};
  rec.upsert_peer(added);
  d.peers.back() = added;
  CHECK(canonical(backend->read()) == canonical(d.peers));
  CHECK(rec.reconcile(d) == ReconcileResult{});
}

template <class H>
void suite_update_in_place(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  DesiredInterface d = suite_desired(3);
  Reconciler rec(*backend);
  rec.reconcile(d);

  d.peers[0].allowed_ips.push_back(Cidr::parse("192.168.50.0/24"));
  d.peers[1].preshared_key.reset();
  d.peers[2].persistent_keepalive = 10;
  const ReconcileResult r = rec.reconcile(d);
  CHECK(r == ReconcileResult{.added = 0, .updated = 3, .removed = 0, .device_changed = false});
  CHECK(canonical(backend->read()) == canonical(d.peers));
}

template <class H>
void suite_adopt(H& h) {
  const std::string name = h.fresh_name();
  auto first = h.make(name);
  first->ensure_interface(suite_link());
  const DesiredInterface d = suite_desired(4);
  Reconciler(*first).reconcile(d);
  first.reset();  // the interface outlives the object

  // A restarted daemon: a new object finds the interface and its peers.
  auto second = h.make(name);
  CHECK(second->interface_exists());
  second->ensure_interface(suite_link());
  CHECK(canonical(second->read()) == canonical(d.peers));
  CHECK(Reconciler(*second).reconcile(d) == ReconcileResult{});
  h.check_link(name, suite_link());
}

template <class H>
void suite_drift(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  const DesiredInterface d = suite_desired(3);
  Reconciler rec(*backend);
  rec.reconcile(d);

  // Someone else (`wg set` by hand) adds a peer and removes one of ours.
  auto intruder = h.make(name);
  intruder->apply(plan_upsert(test_peer(66)));
  intruder->apply(plan_remove(d.peers[2].public_key));
  CHECK(backend->read().peers.size() == 3);

  const ReconcileResult r = rec.reconcile(d);
  CHECK(r.added == 1);
  CHECK(r.removed == 1);
  CHECK(canonical(backend->read()) == canonical(d.peers));
}

template <class H>
void suite_many_peers(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  // More than one UAPI request or netlink message can carry.
  DesiredInterface d = suite_desired(2500);
  Reconciler rec(*backend);
  CHECK(rec.reconcile(d).added == 2500);
  CHECK(canonical(backend->read()) == canonical(d.peers));
  d.peers.resize(1200);
  CHECK(rec.reconcile(d).removed == 1300);
  CHECK(backend->read().peers.size() == 1200);
  CHECK(rec.reconcile(d) == ReconcileResult{});
}

template <class H>
void suite_remove(H& h) {
  const std::string name = h.fresh_name();
  auto backend = h.make(name);
  backend->ensure_interface(suite_link());
  Reconciler(*backend).reconcile(suite_desired(2));
  backend->remove_interface();
  CHECK_FALSE(backend->interface_exists());
  h.check_gone(name);
  CHECK_THROWS_AS(backend->read(), Error);
  CHECK_NOTHROW(backend->remove_interface());  // already gone: harmless

  // The name can be used again, and starts empty.
  backend->ensure_interface(suite_link());
  CHECK(backend->read().peers.empty());
}

}  // namespace picket::gateway::test

#define PICKET_BACKEND_CASE(prefix, tags, Harness, fn, title) \
  TEST_CASE(prefix ": " title, tags) {                        \
    Harness harness;                                          \
    picket::gateway::test::fn(harness);                       \
  }

#define PICKET_BACKEND_SUITE(prefix, tags, Harness)                                              \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_create, "create interface, key and port")     \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_add_peers, "add peers and read them back")    \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_incremental, "incremental upsert and remove") \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_update_in_place, "update peers in place")     \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_adopt, "adopt an existing interface")         \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_drift, "undo drift")                          \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_many_peers, "thousands of peers")             \
  PICKET_BACKEND_CASE(prefix, tags, Harness, suite_remove, "remove interface")
