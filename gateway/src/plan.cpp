#include "picket/gateway/plan.hpp"

#include <algorithm>
#include <map>

#include "picket/gateway/error.hpp"

namespace picket::gateway {
namespace {

// WireGuard stores allowed IPs as networks (host bits cleared) and reports
// them in no particular order, so they are compared as sorted sets.
std::vector<Cidr> normalized(const std::vector<Cidr>& ips) {
  std::vector<Cidr> out;
  out.reserve(ips.size());
  for (const Cidr& ip : ips) out.push_back(ip.network());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PeerChange change_for(const Key& key) {
  PeerChange change;
  change.public_key = key;
  return change;
}

PeerChange removal(const Key& key) {
  PeerChange change = change_for(key);
  change.remove = true;
  return change;
}

// "No preshared key" reads back from WireGuard as all zero.
SecretKey psk_or_zero(const std::optional<SecretKey>& psk) {
  return psk.value_or(SecretKey{});
}

PeerChange addition(const PeerConfig& peer) {
  PeerChange change = change_for(peer.public_key);
  if (peer.preshared_key && !peer.preshared_key->is_zero())
    change.preshared_key = peer.preshared_key;
  if (peer.persistent_keepalive != 0) change.persistent_keepalive = peer.persistent_keepalive;
  change.allowed_ips = normalized(peer.allowed_ips);
  return change;
}

// Only the fields that differ, so an update of the keepalive does not touch
// the allowed IPs (and vice versa).
std::optional<PeerChange> update(const PeerConfig& want, const PeerConfig& have) {
  PeerChange change = change_for(want.public_key);
  change.update_only = true;
  bool changed = false;
  if (!(psk_or_zero(want.preshared_key) == psk_or_zero(have.preshared_key))) {
    change.preshared_key = psk_or_zero(want.preshared_key);
    changed = true;
  }
  if (want.persistent_keepalive != have.persistent_keepalive) {
    change.persistent_keepalive = want.persistent_keepalive;
    changed = true;
  }
  auto want_ips = normalized(want.allowed_ips);
  if (want_ips != normalized(have.allowed_ips)) {
    change.replace_allowed_ips = true;
    change.allowed_ips = std::move(want_ips);
    changed = true;
  }
  if (!changed) return std::nullopt;
  return change;
}

}  // namespace

DeviceChange plan(const DesiredInterface& desired, const DeviceSnapshot& actual) {
  DeviceChange change;
  // WireGuard clamps the private key on set and reports it clamped.
  if (!(clamp_private_key(desired.private_key) == psk_or_zero(actual.private_key)) &&
      !(desired.private_key.is_zero() && !actual.private_key))
    change.private_key = desired.private_key;
  if (desired.listen_port != actual.listen_port) change.listen_port = desired.listen_port;

  // std::map keeps the output sorted by public key, whatever order the
  // caller and the interface use.
  std::map<Key, const PeerConfig*> want;
  for (const PeerConfig& peer : desired.peers) {
    if (!want.emplace(peer.public_key, &peer).second)
      throw Error("desired state lists the same peer public key twice");
  }
  std::map<Key, const PeerConfig*> have;
  for (const PeerState& peer : actual.peers) have.emplace(peer.config.public_key, &peer.config);

  for (const auto& [key, peer] : want) {
    const auto it = have.find(key);
    if (it == have.end()) {
      change.peers.push_back(addition(*peer));
    } else if (auto upd = update(*peer, *it->second)) {
      change.peers.push_back(std::move(*upd));
    }
  }
  // Removals last: if applying stops half-way, wanted peers are already in
  // place and only stale ones linger.
  for (const auto& [key, peer] : have) {
    if (!want.contains(key)) change.peers.push_back(removal(key));
  }
  return change;
}

DeviceChange plan_upsert(const PeerConfig& peer) {
  // Without reading the interface we do not know whether the peer exists, so
  // every field is stated: the result is the same either way.
  PeerChange change = change_for(peer.public_key);
  change.preshared_key = psk_or_zero(peer.preshared_key);
  change.persistent_keepalive = peer.persistent_keepalive;
  change.replace_allowed_ips = true;
  change.allowed_ips = normalized(peer.allowed_ips);
  DeviceChange out;
  out.peers.push_back(std::move(change));
  return out;
}

DeviceChange plan_remove(const Key& public_key) {
  DeviceChange out;
  out.peers.push_back(removal(public_key));
  return out;
}

void apply_change(DeviceSnapshot& snapshot, const DeviceChange& change) {
  if (change.private_key) {
    if (change.private_key->is_zero())
      snapshot.private_key.reset();
    else
      snapshot.private_key = clamp_private_key(*change.private_key);
  }
  if (change.listen_port) snapshot.listen_port = *change.listen_port;
  if (change.replace_peers) snapshot.peers.clear();

  auto& peers = snapshot.peers;
  auto find = [&](const Key& key) {
    return std::find_if(peers.begin(), peers.end(),
                        [&](const PeerState& p) { return p.config.public_key == key; });
  };
  for (const PeerChange& pc : change.peers) {
    auto it = find(pc.public_key);
    if (pc.remove) {
      if (it != peers.end()) peers.erase(it);
      continue;
    }
    if (it == peers.end()) {
      if (pc.update_only) continue;
      peers.emplace_back().config.public_key = pc.public_key;
      it = std::prev(peers.end());
    }
    PeerConfig& cfg = it->config;
    if (pc.preshared_key) {
      if (pc.preshared_key->is_zero())
        cfg.preshared_key.reset();
      else
        cfg.preshared_key = pc.preshared_key;
    }
    if (pc.persistent_keepalive) cfg.persistent_keepalive = *pc.persistent_keepalive;
    if (pc.replace_allowed_ips) cfg.allowed_ips.clear();
    for (const Cidr& raw : pc.allowed_ips) {
      const Cidr ip = raw.network();
      // WireGuard routes each prefix to exactly one peer: giving it to this
      // peer takes it away from any other.
      for (PeerState& other : peers) {
        if (&other == &*it) continue;
        std::erase(other.config.allowed_ips, ip);
      }
      if (std::find(cfg.allowed_ips.begin(), cfg.allowed_ips.end(), ip) == cfg.allowed_ips.end())
        cfg.allowed_ips.push_back(ip);
    }
  }
}

}  // namespace picket::gateway
