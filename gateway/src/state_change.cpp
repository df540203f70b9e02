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

}  // namespace picket::gateway
