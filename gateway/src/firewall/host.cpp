#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <system_error>

#include "picket/gateway/error.hpp"
#include "picket/gateway/firewall_host.hpp"

namespace picket::gateway {

namespace {

struct SocketFree {
  void operator()(nl_sock* sock) const { nl_socket_free(sock); }
};
struct CacheFree {
  void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};

// The output interface of the main table's default route of `family`.
std::optional<std::string> default_route_of(nl_sock* sock, int family) {
  nl_cache* raw = nullptr;
  if (const int rc = rtnl_route_alloc_cache(sock, family, 0, &raw); rc < 0) {
    throw Error(std::string("reading the routing table failed: ") + nl_geterror(rc));
  }
  std::unique_ptr<nl_cache, CacheFree> cache(raw);
  for (auto* object = nl_cache_get_first(raw); object != nullptr;
       object = nl_cache_get_next(object)) {
    auto* route = reinterpret_cast<rtnl_route*>(object);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
    if (nl_addr_get_prefixlen(rtnl_route_get_dst(route)) != 0) continue;
    if (rtnl_route_get_nnexthops(route) < 1) continue;
    const int index = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0));
    char name[IF_NAMESIZE] = {};
    if (index > 0 && if_indextoname(static_cast<unsigned>(index), name) != nullptr) return name;
  }
  return std::nullopt;
}

std::error_code read_file(const std::string& path, std::string& value) {
  std::ifstream in(path);
  if (!in) return {errno != 0 ? errno : ENOENT, std::generic_category()};
  std::getline(in, value);
  return {};
}

std::error_code write_file(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  if (!out) return {errno != 0 ? errno : EACCES, std::generic_category()};
  out << value << "\n";
  out.flush();
  if (!out) return {errno != 0 ? errno : EIO, std::generic_category()};
  return {};
}

}  // namespace

std::optional<std::string> default_route_interface() {
  std::unique_ptr<nl_sock, SocketFree> sock(nl_socket_alloc());
  if (!sock) throw Error("could not allocate a netlink socket");
  if (const int rc = nl_connect(sock.get(), NETLINK_ROUTE); rc < 0) {
    throw Error(std::string("connecting to rtnetlink failed: ") + nl_geterror(rc));
  }
  if (auto v4 = default_route_of(sock.get(), AF_INET)) return v4;
  return default_route_of(sock.get(), AF_INET6);
}

void check_interface_exists(const std::string& name) {
  if (name.empty() || name.size() >= IF_NAMESIZE || if_nametoindex(name.c_str()) == 0) {
    throw Error("unknown uplink interface '" + name +
                "': it does not exist here; see `ip link` and pass the interface that carries "
                "the default route");
  }
}

ForwardingGuard::ForwardingGuard(const std::optional<std::string>& uplink, std::string proc_sys)
    : proc_sys_(std::move(proc_sys)) {
  try {
    if (uplink) set("net/ipv6/conf/" + *uplink + "/accept_ra", "2", true);
    set("net/ipv4/ip_forward", "1");
    set("net/ipv6/conf/all/forwarding", "1");
  } catch (...) {
    restore();  // puts back what the failed start changed
    throw;
  }
}

ForwardingGuard::~ForwardingGuard() {
  restore();
}

void ForwardingGuard::restore() {
  // Newest first: forwarding goes off before accept_ra returns to 1.
  for (auto it = changed_.rbegin(); it != changed_.rend(); ++it) {
    (void)write_file(it->path, it->previous);
  }
  changed_.clear();
}

void ForwardingGuard::set(const std::string& key, const std::string& value, bool only_if_one) {
  const auto path = proc_sys_ + "/" + key;
  std::string previous;
  if (const auto ec = read_file(path, previous)) {
    if (only_if_one) return;  // e.g. no IPv6 on this host: nothing to protect
    throw Error("reading the sysctl " + key + " failed: " + ec.message());
  }
  if (previous == value || (only_if_one && previous != "1")) return;
  if (const auto ec = write_file(path, value)) {
    throw Error("setting the sysctl " + key + " to " + value + " failed: " + ec.message() +
                "; picketd needs root (CAP_NET_ADMIN) to forward members' traffic");
  }
  changed_.push_back({path, previous});
}

}  // namespace picket::gateway
