#include <algorithm>

#include "uapi/codec.hpp"

namespace picket::gateway::uapi {
namespace {

void line(std::string& out, std::string_view key, std::string_view value) {
  out.append(key).append("=").append(value).append("\n");
}

void encode_peer(std::string& out, const PeerChange& peer) {
  line(out, "public_key", peer.public_key.hex());
  if (peer.remove) {
    line(out, "remove", "true");
    return;
  }
  // wireguard-go creates the peer on its public_key line and drops it again
  // on update_only, so update_only must come straight after public_key.
  if (peer.update_only) line(out, "update_only", "true");
  if (peer.preshared_key) line(out, "preshared_key", peer.preshared_key->hex());
  if (peer.persistent_keepalive)
    line(out, "persistent_keepalive_interval", std::to_string(*peer.persistent_keepalive));
  if (peer.replace_allowed_ips) line(out, "replace_allowed_ips", "true");
  for (const Cidr& ip : peer.allowed_ips) line(out, "allowed_ip", ip.str());
}

std::string encode(const DeviceChange& change, std::size_t first, std::size_t last,
                   bool device_part) {
  std::string out = "set=1\n";
  if (device_part) {
    if (change.private_key) line(out, "private_key", change.private_key->hex());
    if (change.listen_port) line(out, "listen_port", std::to_string(*change.listen_port));
    if (change.replace_peers) line(out, "replace_peers", "true");
  }
  for (std::size_t i = first; i < last; ++i) encode_peer(out, change.peers[i]);
  out += "\n";
  return out;
}

}  // namespace

std::string encode_set(const DeviceChange& change) {
  return encode(change, 0, change.peers.size(), true);
}

std::vector<std::string> encode_set_requests(const DeviceChange& change, std::size_t max_peers) {
  std::vector<std::string> out;
  if (change.empty()) return out;
  max_peers = std::max<std::size_t>(max_peers, 1);
  std::size_t first = 0;
  do {
    const std::size_t last = std::min(change.peers.size(), first + max_peers);
    out.push_back(encode(change, first, last, first == 0));
    first = last;
  } while (first < change.peers.size());
  return out;
}

}  // namespace picket::gateway::uapi
