#pragma once

#include <optional>
#include <string>
#include <vector>

namespace picket::gateway {

// The interface of this namespace's IPv4 default route (IPv6 when there is
// no IPv4 one), if any. Throws Error when rtnetlink cannot be read.
std::optional<std::string> default_route_interface();

// Throws Error ("unknown uplink ...") unless `name` is an interface here.
void check_interface_exists(const std::string& name);

// Turns IPv4 and IPv6 forwarding on for as long as it lives and puts back,
// on destruction, exactly the values it changed. Enabling IPv6 forwarding
// makes the kernel stop accepting router advertisements on interfaces with
// accept_ra=1, which would silently drop a VPS's SLAAC default route; so the
// uplink's accept_ra goes to 2 first (and back afterwards).
class ForwardingGuard {
 public:
  // Throws Error when a sysctl cannot be read or written.
  explicit ForwardingGuard(const std::optional<std::string>& uplink,
                           std::string proc_sys = "/proc/sys");
  ~ForwardingGuard();
  ForwardingGuard(const ForwardingGuard&) = delete;
  ForwardingGuard& operator=(const ForwardingGuard&) = delete;

  // How many sysctls it changed (and will restore).
  std::size_t changed() const { return changed_.size(); }

 private:
  struct Change {
    std::string path;
    std::string previous;
  };
  void set(const std::string& key, const std::string& value, bool only_if_one = false);
  void restore();

  std::string proc_sys_;
  std::vector<Change> changed_;
};

}  // namespace picket::gateway
