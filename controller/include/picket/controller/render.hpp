#pragma once

#include <cstdint>
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

// The exact text of DESIGN.md's client config: only keys every official app
// accepts, LF line ends, no byte order mark.
std::string render_client_config(const ClientConfig& config);

// QR codes (nayuki qrcodegen, error correction level chosen to fit). Throws
// std::runtime_error when the text does not fit a QR code.
std::string render_qr_terminal(std::string_view text);  // UTF-8 half blocks, 4-module quiet zone
std::string render_qr_svg(std::string_view text);

// A short fingerprint of the gateway's public key for checking in person:
// SHA-256 of the 32 key bytes, first 10 bytes as 5 groups of 4 hex digits.
std::string key_fingerprint(const gateway::Key& key);

}  // namespace picket::controller
