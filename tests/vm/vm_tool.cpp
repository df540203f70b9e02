// Configures one end of the in-VM tunnel through Picket's kernel backend
// (tests/vm/netns_ping.sh). Test helper only.
//   configure IFNAME KEYFILE PORT ADDRESS PEER_PUBLIC_KEY PEER_ALLOWED_IP
//   handshake IFNAME PEER_PUBLIC_KEY      exit 0 when the peer has shaken hands
//   remove-peer IFNAME PEER_PUBLIC_KEY
#include <fstream>
#include <iostream>
#include <string>

#include "picket/gateway/kernel_backend.hpp"
#include "picket/gateway/reconciler.hpp"

using namespace picket::gateway;

namespace {

std::unique_ptr<WireGuardBackend> backend(const std::string& ifname) {
  KernelOptions options;
  options.interface_name = ifname;
  return make_kernel_backend(options);
}

int configure(char** argv) {
  std::ifstream in(argv[3]);
  std::string key_text;
  in >> key_text;
  auto wg = backend(argv[2]);
  LinkSettings link;
  link.addresses = {Cidr::parse(argv[5])};
  wg->ensure_interface(link);
  DesiredInterface desired;
  desired.private_key = SecretKey::from_base64(key_text);
  desired.listen_port = static_cast<std::uint16_t>(std::stoi(argv[4]));
  PeerConfig peer;
  peer.public_key = parse_public_key(argv[6]);
  peer.allowed_ips = {Cidr::parse(argv[7])};
  desired.peers = {peer};
  Reconciler(*wg).reconcile(desired);
  return 0;
}

int handshake(char** argv) {
  const Key key = parse_public_key(argv[3]);
  for (const PeerState& peer : backend(argv[2])->read().peers)
    if (peer.config.public_key == key) return peer.stats.last_handshake_unix != 0 ? 0 : 1;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "configure" && argc == 8) return configure(argv);
    if (command == "handshake" && argc == 4) return handshake(argv);
    if (command == "remove-peer" && argc == 4) {
      Reconciler(*backend(argv[2])).remove_peer(parse_public_key(argv[3]));
      return 0;
    }
    std::cerr << "usage: picket_kernel_vm_tool configure|handshake|remove-peer ...\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "picket_kernel_vm_tool: " << e.what() << "\n";
    return 1;
  }
}
