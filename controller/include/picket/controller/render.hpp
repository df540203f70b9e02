#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/ip.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller {

// Everything a member's WireGuard app needs. Rendered on the admin's side
// (the CLI or the browser), never inside picketd: the private key is here.
struct ClientConfig {
  gateway::SecretKey private_key;
  gateway::IpAddress ipv4;
  gateway::IpAddress ipv6;
  std::vector<gateway::IpAddress> dns;
  std::uint16_t mtu = 0;  // 0 = omitted
  gateway::Key server_public_key;
  gateway::SecretKey preshared_key;
  std::string endpoint;
  std::vector<gateway::Cidr> allowed_ips;
  std::uint16_t keepalive = 25;  // 0 = omitted
};

// The most split-tunnel entries a device may route. A config must fit one
// QR code (version 40 at error correction level M: 2,331 bytes): with this
// many of the longest entries (a full IPv6 /128, 45 bytes with its comma)
// and the longest everything else Picket accepts (a 253-character endpoint
// host, IPv6 addresses, four IPv6 DNS servers and their routes, MTU and
// keepalive), the config is 2,290 bytes; one entry more is 2,335. The
// render tests rebuild that worst case.
inline constexpr std::size_t kMaxSplitEntries = 30;
// What one QR code holds in byte mode at level M (version 40).
inline constexpr std::size_t kQrMaxBytes = 2331;

// What a config's AllowedIPs line carries: `allowed_ips` without repeats,
// then a host route (/32, /128) for each DNS server that none of them
// covers. A config that names a DNS server must route it into the tunnel:
// the Android app sends DNS to every server named but routes only
// AllowedIPs, so a split tunnel would send its queries to the workplace
// network, or nowhere.
std::vector<gateway::Cidr> client_routes(const std::vector<gateway::Cidr>& allowed_ips,
                                         const std::vector<gateway::IpAddress>& dns);

// The exact text of DESIGN.md's client config: only keys every official app
// accepts, LF line ends, no byte order mark. AllowedIPs is
// client_routes(allowed_ips, dns).
std::string render_client_config(const ClientConfig& config);

// QR codes (nayuki qrcodegen). Both throw std::runtime_error when the text
// does not fit a QR code at all.
inline constexpr int kTerminalColumns = 80;
// A terminal QR code wider than the terminal: it would wrap and no phone
// could read it.
class QrTooWide : public std::runtime_error {
 public:
  QrTooWide(int needed, int available);
  int columns;  // what the code needs
};
// UTF-8 half blocks, 4-module quiet zone, at most `max_columns` wide (level M
// when that fits, else L); throws QrTooWide when even L is wider.
std::string render_qr_terminal(std::string_view text, int max_columns = kTerminalColumns);
// The columns render_qr_terminal(text, max_columns) takes or would need.
int qr_terminal_width(std::string_view text, int max_columns = kTerminalColumns);
// Level M or better; kSvgModuleMm millimetres per module.
inline constexpr int kSvgModuleMm = 1;
std::string render_qr_svg(std::string_view text);

// A short fingerprint of the gateway's public key for checking in person:
// SHA-256 of the 32 key bytes, first 10 bytes as 5 groups of 4 hex digits.
std::string key_fingerprint(const gateway::Key& key);

}  // namespace picket::controller
