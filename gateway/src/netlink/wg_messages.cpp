#include "netlink/wg_messages.hpp"

#include <linux/netlink.h>
#include <linux/wireguard.h>
#include <net/if.h>
#include <sys/socket.h>

#include "picket/gateway/error.hpp"

namespace picket::gateway::netlink {
namespace {

void check_ifname(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ)
    throw Error("invalid interface name for WireGuard netlink (1-15 characters)");
}

void put_allowed_ip(MessageWriter& w, const Cidr& cidr) {
  const std::size_t nest = w.begin_nest(0);
  w.put_u16(WGALLOWEDIP_A_FAMILY, cidr.address.is_v4() ? AF_INET : AF_INET6);
  w.put(WGALLOWEDIP_A_IPADDR, std::span(cidr.address.bytes.data(), cidr.address.size()));
  w.put_u8(WGALLOWEDIP_A_CIDR_MASK, cidr.prefix);
  w.end_nest(nest);
}

std::uint32_t peer_flags(const PeerChange& peer) {
  std::uint32_t flags = 0;
  if (peer.remove) flags |= WGPEER_F_REMOVE_ME;
  if (peer.replace_allowed_ips) flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
  if (peer.update_only) flags |= WGPEER_F_UPDATE_ONLY;
  return flags;
}

// Fills messages one after another, rolling back whatever overflowed.
class Splitter {
 public:
  Splitter(std::uint16_t family, const std::string& ifname, std::size_t max_size)
      : family_(family), ifname_(ifname), max_(max_size) {}

  void start_first(const DeviceChange& change) {
    start();
    if (change.replace_peers) writer_.put_u32(WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
    if (change.private_key) writer_.put(WGDEVICE_A_PRIVATE_KEY, change.private_key->bytes());
    if (change.listen_port) writer_.put_u16(WGDEVICE_A_LISTEN_PORT, *change.listen_port);
    device_attributes_ = writer_.size() > after_ifname_;
    // Device attributes alone always fit: checked against kMinMaxMessageSize.
  }

  void add_peer(const PeerChange& peer) {
    std::size_t next_ip = 0;
    bool first_part = true;
    for (;;) {
      const bool fresh = peers_in_message_ == 0 && !device_attributes_;
      open_peers();
      const std::size_t peer_mark = writer_.size();
      const std::size_t peer_nest = writer_.begin_nest(0);
      writer_.put(WGPEER_A_PUBLIC_KEY, peer.public_key.bytes());
      if (first_part) {
        if (const std::uint32_t flags = peer_flags(peer)) writer_.put_u32(WGPEER_A_FLAGS, flags);
        if (peer.preshared_key) writer_.put(WGPEER_A_PRESHARED_KEY, peer.preshared_key->bytes());
        if (peer.persistent_keepalive)
          writer_.put_u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, *peer.persistent_keepalive);
      } else if (peer.update_only) {
        // Not in the kernel's recipe, which repeats only the key: without
        // the flag a continuation would create a peer that the first part
        // rightly skipped because it did not exist.
        writer_.put_u32(WGPEER_A_FLAGS, WGPEER_F_UPDATE_ONLY);
      }
      bool fits = writer_.size() <= max_;
      if (fits && next_ip < peer.allowed_ips.size()) {
        const std::size_t ips_mark = writer_.size();
        const std::size_t ips_nest = writer_.begin_nest(WGPEER_A_ALLOWEDIPS);
        std::size_t added = 0;
        while (writer_.size() <= max_ && next_ip < peer.allowed_ips.size()) {
          const std::size_t ip_mark = writer_.size();
          put_allowed_ip(writer_, peer.allowed_ips[next_ip]);
          if (writer_.size() > max_) {
            writer_.truncate(ip_mark);
            break;
          }
          ++next_ip;
          ++added;
        }
        if (added == 0) {
          writer_.truncate(ips_mark);
          fits = false;
        } else {
          writer_.end_nest(ips_nest);
        }
      }
      if (!fits) {
        writer_.truncate(peer_mark);
        if (fresh) throw Error("a WireGuard peer does not fit into one netlink message");
        close();
        start();
        continue;  // the same part again, in the new message
      }
      writer_.end_nest(peer_nest);
      ++peers_in_message_;
      if (next_ip == peer.allowed_ips.size()) return;
      close();
      start();
      first_part = false;
    }
  }

  std::vector<Bytes> finish() {
    close();
    return std::move(messages_);
  }

 private:
  void start() {
    writer_ = MessageWriter(family_, NLM_F_REQUEST | NLM_F_ACK, WG_CMD_SET_DEVICE, WG_GENL_VERSION);
    writer_.put_string(WGDEVICE_A_IFNAME, ifname_);
    after_ifname_ = writer_.size();
    peers_nest_.reset();
    peers_in_message_ = 0;
    device_attributes_ = false;
  }

  void open_peers() {
    if (!peers_nest_) peers_nest_ = writer_.begin_nest(WGDEVICE_A_PEERS);
  }

  void close() {
    if (peers_nest_) {
      if (peers_in_message_ == 0)
        writer_.truncate(*peers_nest_);
      else
        writer_.end_nest(*peers_nest_);
    }
    messages_.push_back(writer_.finish());
    peers_nest_.reset();
  }

  std::uint16_t family_;
  const std::string& ifname_;
  std::size_t max_;
  MessageWriter writer_{0, 0, 0, 0};
  std::optional<std::size_t> peers_nest_;
  std::size_t peers_in_message_ = 0;
  bool device_attributes_ = false;
  std::size_t after_ifname_ = 0;
  std::vector<Bytes> messages_;
};

}  // namespace

Bytes build_get_request(std::uint16_t family, const std::string& ifname) {
  check_ifname(ifname);
  MessageWriter w(family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, WG_CMD_GET_DEVICE,
                  WG_GENL_VERSION);
  w.put_string(WGDEVICE_A_IFNAME, ifname);
  return w.finish();
}

std::vector<Bytes> build_set_messages(std::uint16_t family, const std::string& ifname,
                                      const DeviceChange& change, std::size_t max_size) {
  check_ifname(ifname);
  if (max_size < kMinMaxMessageSize)
    throw Error("netlink message size limit " + std::to_string(max_size) + " is below the " +
                std::to_string(kMinMaxMessageSize) + " bytes one peer may need");
  if (change.empty()) return {};
  Splitter splitter(family, ifname, max_size);
  splitter.start_first(change);
  for (const PeerChange& peer : change.peers) splitter.add_peer(peer);
  return splitter.finish();
}

}  // namespace picket::gateway::netlink
