#include "netlink/link.hpp"

#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "picket/gateway/error.hpp"

namespace picket::gateway::netlink {
namespace {

struct LinkPut {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrPut {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct NlAddrPut {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct CacheFree {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrPut>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrPut>;
using CachePtr = std::unique_ptr<nl_cache, CacheFree>;

[[noreturn]] void fail(const std::string& ifname, std::string_view what, int nl_error) {
  throw Error(std::string(what) + " on " + ifname + ": " + nl_geterror(nl_error));
}

void check(int rc, const std::string& ifname, std::string_view what) {
  if (rc < 0) fail(ifname, what, rc);
}

LinkPtr find_link(nl_sock* sock, const std::string& ifname) {
  rtnl_link* link = nullptr;
  const int rc = rtnl_link_get_kernel(sock, 0, ifname.c_str(), &link);
  if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV) return nullptr;
  check(rc, ifname, "looking up the link");
  return LinkPtr(link);
}

LinkPtr get_link(nl_sock* sock, const std::string& ifname) {
  LinkPtr link = find_link(sock, ifname);
  if (!link) throw Error("interface " + ifname + " does not exist");
  return link;
}

// The kernel gives IPv6 links an fe80::/64 address of its own; removing it
// would only make it come back on the next up.
bool kernel_managed(const Cidr& cidr) {
  return !cidr.address.is_v4() && cidr.address.bytes[0] == 0xfe &&
         (cidr.address.bytes[1] & 0xc0) == 0x80;
}

std::optional<Cidr> to_cidr(rtnl_addr* addr) {
  nl_addr* local = rtnl_addr_get_local(addr);
  if (local == nullptr) return std::nullopt;
  Cidr cidr;
  const int family = nl_addr_get_family(local);
  const unsigned len = nl_addr_get_len(local);
  if (family == AF_INET && len == 4) {
    cidr.address.family = IpAddress::Family::v4;
  } else if (family == AF_INET6 && len == 16) {
    cidr.address.family = IpAddress::Family::v6;
  } else {
    return std::nullopt;
  }
  std::memcpy(cidr.address.bytes.data(), nl_addr_get_binary_addr(local), len);
  cidr.prefix = static_cast<std::uint8_t>(rtnl_addr_get_prefixlen(addr));
  return cidr;
}

}  // namespace

LinkControl::LinkControl() : sock_(nl_socket_alloc()) {
  if (sock_ == nullptr) throw Error("out of memory allocating a netlink socket");
  const int rc = nl_connect(sock_, NETLINK_ROUTE);
  if (rc < 0) {
    nl_socket_free(sock_);
    throw Error(std::string("cannot open an rtnetlink socket: ") + nl_geterror(rc));
  }
}

LinkControl::~LinkControl() {
  nl_socket_free(sock_);
}

bool LinkControl::exists(const std::string& ifname) {
  return find_link(sock_, ifname) != nullptr;
}

void LinkControl::create(const std::string& ifname, const std::string& kind) {
  LinkPtr link(rtnl_link_alloc());
  if (!link) throw Error("out of memory creating " + ifname);
  rtnl_link_set_name(link.get(), ifname.c_str());
  check(rtnl_link_set_type(link.get(), kind.c_str()), ifname, "setting link type " + kind);
  check(rtnl_link_add(sock_, link.get(), NLM_F_CREATE | NLM_F_EXCL), ifname,
        "creating " + kind + " link");
}

void LinkControl::remove(const std::string& ifname) {
  LinkPtr link = find_link(sock_, ifname);
  if (!link) return;
  const int rc = rtnl_link_delete(sock_, link.get());
  // Gone in the meantime is what we wanted anyway.
  if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV) return;
  check(rc, ifname, "deleting the link");
}

std::string LinkControl::kind(const std::string& ifname) {
  const LinkPtr link = get_link(sock_, ifname);  // owns the string below
  const char* type = rtnl_link_get_type(link.get());
  return type == nullptr ? std::string() : std::string(type);
}

std::uint32_t LinkControl::mtu(const std::string& ifname) {
  return rtnl_link_get_mtu(get_link(sock_, ifname).get());
}

bool LinkControl::is_up(const std::string& ifname) {
  return (rtnl_link_get_flags(get_link(sock_, ifname).get()) & IFF_UP) != 0;
}

void LinkControl::set_mtu(const std::string& ifname, std::uint32_t mtu) {
  LinkPtr link = get_link(sock_, ifname);
  if (rtnl_link_get_mtu(link.get()) == mtu) return;
  LinkPtr change(rtnl_link_alloc());
  if (!change) throw Error("out of memory changing " + ifname);
  rtnl_link_set_mtu(change.get(), mtu);
  check(rtnl_link_change(sock_, link.get(), change.get(), 0), ifname,
        "setting MTU " + std::to_string(mtu));
}

void LinkControl::set_up(const std::string& ifname) {
  LinkPtr link = get_link(sock_, ifname);
  if ((rtnl_link_get_flags(link.get()) & IFF_UP) != 0) return;
  LinkPtr change(rtnl_link_alloc());
  if (!change) throw Error("out of memory changing " + ifname);
  rtnl_link_set_flags(change.get(), IFF_UP);
  check(rtnl_link_change(sock_, link.get(), change.get(), 0), ifname, "bringing the link up");
}

std::vector<Cidr> LinkControl::addresses(const std::string& ifname) {
  std::vector<Cidr> out;
  const int ifindex = rtnl_link_get_ifindex(get_link(sock_, ifname).get());
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(sock_, &raw), ifname, "listing addresses");
  CachePtr cache(raw);
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) != ifindex) continue;
    if (auto cidr = to_cidr(addr); cidr && !kernel_managed(*cidr)) out.push_back(*cidr);
  }
  return out;
}

std::vector<Cidr> LinkControl::all_addresses_except(const std::string& ifname) {
  std::vector<Cidr> out;
  const LinkPtr own = find_link(sock_, ifname);
  const int own_index = own ? rtnl_link_get_ifindex(own.get()) : -1;
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(sock_, &raw), ifname, "listing addresses");
  CachePtr cache(raw);
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) == own_index) continue;
    if (auto cidr = to_cidr(addr); cidr && !kernel_managed(*cidr)) out.push_back(*cidr);
  }
  return out;
}

void LinkControl::set_addresses(const std::string& ifname, const std::vector<Cidr>& wanted) {
  const int ifindex = rtnl_link_get_ifindex(get_link(sock_, ifname).get());
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(sock_, &raw), ifname, "listing addresses");
  CachePtr cache(raw);

  // Deletions first: IPv6 refuses a second prefix length for the same
  // address, so 10.0.0.1/16 -> /24 style changes need the old one gone.
  std::vector<Cidr> present;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) != ifindex) continue;
    const auto cidr = to_cidr(addr);
    if (!cidr) continue;
    if (kernel_managed(*cidr) || std::find(wanted.begin(), wanted.end(), *cidr) != wanted.end()) {
      present.push_back(*cidr);
      continue;
    }
    check(rtnl_addr_delete(sock_, addr, 0), ifname, "deleting address " + cidr->str());
  }

  for (const Cidr& cidr : wanted) {
    if (std::find(present.begin(), present.end(), cidr) != present.end()) continue;
    AddrPtr addr(rtnl_addr_alloc());
    NlAddrPtr local(nl_addr_build(cidr.address.is_v4() ? AF_INET : AF_INET6,
                                  cidr.address.bytes.data(), cidr.address.size()));
    if (!addr || !local) throw Error("out of memory adding an address to " + ifname);
    nl_addr_set_prefixlen(local.get(), cidr.prefix);
    rtnl_addr_set_ifindex(addr.get(), ifindex);
    check(rtnl_addr_set_local(addr.get(), local.get()), ifname, "preparing " + cidr.str());
    rtnl_addr_set_prefixlen(addr.get(), cidr.prefix);
    // Without NODAD an IPv6 address stays "tentative" for a second or two and
    // cannot be bound, e.g. by the DNS listener started right after.
    if (!cidr.address.is_v4()) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
    check(rtnl_addr_add(sock_, addr.get(), 0), ifname, "adding address " + cidr.str());
    present.push_back(cidr);
  }
}

}  // namespace picket::gateway::netlink
