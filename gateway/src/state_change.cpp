#include "picket/gateway/state_change.hpp"

#include <algorithm>

namespace picket::gateway {

GatewayState with_change(GatewayState state, const GatewayChange& change) {
  auto& peers = state.peers;
  for (const Key& key : change.remove)
    std::erase_if(peers, [&](const NodePeer& peer) { return peer.wireguard.public_key == key; });
  for (const NodePeer& put : change.put) {
    const auto same = std::find_if(peers.begin(), peers.end(), [&](const NodePeer& peer) {
      return peer.wireguard.public_key == put.wireguard.public_key;
    });
    if (same == peers.end()) {
      peers.push_back(put);
    } else {
      *same = put;
    }
  }
  if (change.listen_port) state.listen_port = *change.listen_port;
  if (change.link) state.link = *change.link;
  if (change.member_to_member) state.member_to_member = *change.member_to_member;
  if (change.dns) state.dns = *change.dns;
  return state;
}

bool serves(const NodePeer& peer, const std::string& host) {
  return !peer.hosts ||
         std::find(peer.hosts->begin(), peer.hosts->end(), host) != peer.hosts->end();
}

GatewayState for_host(GatewayState state, const std::string& host) {
  std::erase_if(state.peers, [&](const NodePeer& peer) { return !serves(peer, host); });
  for (auto& peer : state.peers) peer.hosts.reset();
  return state;
}

GatewayChange for_host(const GatewayChange& change, const std::string& host) {
  GatewayChange out;
  out.remove = change.remove;
  for (const auto& peer : change.put) {
    if (serves(peer, host)) {
      out.put.push_back(peer);
      out.put.back().hosts.reset();
    } else if (std::find(out.remove.begin(), out.remove.end(), peer.wireguard.public_key) ==
               out.remove.end()) {
      out.remove.push_back(peer.wireguard.public_key);
    }
  }
  out.listen_port = change.listen_port;
  out.link = change.link;
  out.member_to_member = change.member_to_member;
  out.dns = change.dns;
  return out;
}

}  // namespace picket::gateway
