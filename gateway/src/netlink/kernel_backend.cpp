#include "picket/gateway/kernel_backend.hpp"

#include <linux/wireguard.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <system_error>

#include "netlink/genl_socket.hpp"
#include "netlink/link.hpp"
#include "netlink/wg_dump.hpp"
#include "netlink/wg_messages.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway {
namespace {

// The kernel marks a dump inconsistent when peers change while it is being
// read; a few fresh tries are plenty unless something rewrites the interface
// in a tight loop.
constexpr int kDumpAttempts = 5;
constexpr std::size_t kMaxIfnameLength = 15;  // IFNAMSIZ - 1

// What the kernel's errno means here, and what to do about it.
std::string explain(const std::error_code& ec, const std::string& ifname) {
  switch (ec.value()) {
    case ENODEV:
      return "interface " + ifname +
             " does not exist (it vanished or was never created); ensure the interface again";
    case EOPNOTSUPP:
      return ifname + " is not a kernel WireGuard interface";
    case EINVAL:
      return "the kernel refused an attribute in the WireGuard message for " + ifname +
             " (EINVAL): a malformed key, address or prefix length";
    case EMSGSIZE:
      return "the WireGuard message for " + ifname +
             " is larger than the kernel accepts (EMSGSIZE); lower the message size limit";
    case EPERM:
      return "not permitted to configure " + ifname + ": WireGuard needs CAP_NET_ADMIN (root)";
    case EADDRINUSE:
      return "the listen port of " + ifname + " is already in use by another socket";
    case ENOMEM:
      return "the kernel ran out of memory configuring " + ifname;
    default:
      return "WireGuard netlink call for " + ifname + " failed: " + ec.message();
  }
}

class KernelBackend final : public WireGuardBackend {
 public:
  explicit KernelBackend(KernelOptions options) : options_(std::move(options)) {
    if (options_.max_message_size == 0) options_.max_message_size = netlink::kDefaultMaxMessageSize;
  }

  std::string_view kind() const noexcept override { return "kernel"; }
  const std::string& interface_name() const noexcept override { return options_.interface_name; }

  void ensure_interface(const LinkSettings& link) override {
    const std::string& name = options_.interface_name;
    if (!links_.exists(name)) {
      links_.create(name, "wireguard");
    } else if (const std::string kind = links_.kind(name); kind != "wireguard") {
      throw Error("interface " + name + " exists but is a " +
                  (kind.empty() ? "non-" : kind + ", not a ") +
                  "WireGuard link; remove it or pick another interface name");
    }
    links_.set_mtu(name, link.mtu);
    links_.set_addresses(name, link.addresses);
    links_.set_up(name);
  }

  bool interface_exists() override { return links_.exists(options_.interface_name); }

  void remove_interface() override { links_.remove(options_.interface_name); }

  DeviceSnapshot read() override {
    const std::string& name = options_.interface_name;
    for (int attempt = 1;; ++attempt) {
      netlink::Bytes request = netlink::build_get_request(family(), name);
      netlink::DumpMerger merger;
      bool interrupted = false;
      const std::error_code ec = genl_.dump(
          request, [&](std::span<const std::uint8_t> reply) { merger.add(reply); }, interrupted);
      if (ec) throw Error("reading " + name + ": " + explain(ec, name));
      if (!interrupted) return merger.take();
      if (attempt == kDumpAttempts)
        throw Error("reading " + name + ": its peers kept changing during " +
                    std::to_string(kDumpAttempts) + " consecutive reads; try again");
    }
  }

  void apply(const DeviceChange& change) override {
    const std::string& name = options_.interface_name;
    std::vector<netlink::Bytes> messages =
        netlink::build_set_messages(family(), name, change, options_.max_message_size);
    // Messages may carry the private key and preshared keys.
    struct Wipe {
      std::vector<netlink::Bytes>& m;
      ~Wipe() {
        for (auto& b : m) sodium_memzero(b.data(), b.size());
      }
    } wipe{messages};
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (options_.before_send) options_.before_send(i, messages[i]);
      if (const std::error_code ec = genl_.request(messages[i])) {
        std::string what = explain(ec, name);
        if (messages.size() > 1)
          what += " (after " + std::to_string(i) + " of " + std::to_string(messages.size()) +
                  " messages had been applied; read the interface back before going on)";
        throw Error(what);
      }
    }
  }

 private:
  std::uint16_t family() {
    if (family_) return *family_;
    std::uint16_t id = 0;
    if (const std::error_code ec = genl_.resolve(WG_GENL_NAME, id)) {
      if (ec.value() == ENOENT)
        throw Error(
            "the kernel has no WireGuard (generic netlink family \"wireguard\" not found): load "
            "the wireguard module, or use the userspace backend (wireguard-go)");
      throw Error("looking up the WireGuard netlink family: " + ec.message());
    }
    family_ = id;
    return id;
  }

  KernelOptions options_;
  netlink::LinkControl links_;
  netlink::GenlSocket genl_;
  std::optional<std::uint16_t> family_;
};

}  // namespace

std::unique_ptr<WireGuardBackend> make_kernel_backend(const KernelOptions& options) {
  const std::string& name = options.interface_name;
  if (name.empty() || name.size() > kMaxIfnameLength || name.find('/') != std::string::npos ||
      name == "." || name == ".." ||
      std::any_of(name.begin(), name.end(), [](char c) { return c <= ' ' || c == 0x7f; }))
    throw Error("invalid interface name (1-15 characters, no '/' or spaces)");
  if (options.max_message_size != 0 && options.max_message_size < netlink::kMinMaxMessageSize)
    throw Error("netlink message size limit must be at least " +
                std::to_string(netlink::kMinMaxMessageSize) + " bytes");
  return std::make_unique<KernelBackend>(options);
}

bool kernel_wireguard_available(std::string* why) {
  try {
    netlink::LinkControl links;
    // pid in the name: two daemons probing at once must not collide.
    const std::string probe = "pkprobe" + std::to_string(::getpid() % 100000000);
    links.create(probe, "wireguard");
    links.remove(probe);
    return true;
  } catch (const std::exception& e) {
    if (why != nullptr) *why = e.what();
    return false;
  }
}

std::string existing_link_kind(const std::string& ifname) {
  netlink::LinkControl links;
  if (!links.exists(ifname)) return "";
  return links.kind(ifname);
}

}  // namespace picket::gateway
