#include "picket/gateway/ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "picket/gateway/error.hpp"

namespace picket::gateway {
namespace {

// Longer than any textual IPv6 prefix; also keeps hostile input out of
// error messages.
constexpr std::size_t kMaxText = INET6_ADDRSTRLEN + 4;

// Addresses are not secret, so the message quotes the input, but only a
// bounded, printable excerpt of it: it may come from an untrusted file.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, kMaxText)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMaxText) out += "...";
  return out + "\"";
}

std::optional<IpAddress> parse_address(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  // inet_pton stops at NUL, so an embedded one would hide trailing junk.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  const std::string copy(text);
  IpAddress ip;
  if (copy.find(':') == std::string::npos) {
    ip.family = IpAddress::Family::v4;
    if (inet_pton(AF_INET, copy.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  } else {
    ip.family = IpAddress::Family::v6;
    if (inet_pton(AF_INET6, copy.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  }
  return ip;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  auto ip = parse_address(text.substr(0, slash));
  if (!ip) return std::nullopt;
  Cidr cidr{*ip, ip->max_prefix()};
  if (slash == std::string_view::npos) return cidr;
  const std::string_view digits = text.substr(slash + 1);
  // Plain decimal only: no sign, no spaces, no suffix such as "24x".
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  unsigned value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (value > ip->max_prefix()) return std::nullopt;
  cidr.prefix = static_cast<std::uint8_t>(value);
  return cidr;
}

}  // namespace

IpAddress IpAddress::parse(std::string_view text) {
  if (auto ip = parse_address(text)) return *ip;
  throw ParseError(quoted(text) + " is not an IP address");
}

std::optional<IpAddress> IpAddress::try_parse(std::string_view text) {
  return parse_address(text);
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

Cidr Cidr::parse(std::string_view text) {
  if (auto cidr = parse_cidr(text)) return *cidr;
  throw ParseError(quoted(text) + " is not an IP prefix (expected e.g. 10.77.0.0/24 or fd77::/64)");
}

std::optional<Cidr> Cidr::try_parse(std::string_view text) {
  return parse_cidr(text);
}

std::string Cidr::str() const {
  return address.str() + "/" + std::to_string(prefix);
}

Cidr Cidr::network() const {
  Cidr out = *this;
  for (std::size_t i = 0; i < out.address.bytes.size(); ++i) {
    const int bits_here = std::clamp(static_cast<int>(prefix) - static_cast<int>(i) * 8, 0, 8);
    out.address.bytes[i] &= static_cast<std::uint8_t>(0xff00u >> bits_here);
  }
  return out;
}

bool Cidr::contains(const IpAddress& ip) const {
  if (ip.family != address.family) return false;
  return Cidr{ip, prefix}.network() == network();
}

bool Cidr::overlaps(const Cidr& other) const {
  if (other.address.family != address.family) return false;
  const std::uint8_t shorter = std::min(prefix, other.prefix);
  return Cidr{address, shorter}.network() == Cidr{other.address, shorter}.network();
}

IpAddress nth_address(const Cidr& subnet, std::uint64_t index) {
  const unsigned host_bits = subnet.address.max_prefix() - subnet.prefix;
  if (host_bits < 64 && index >= (std::uint64_t{1} << host_bits))
    throw Error("address number " + std::to_string(index) + " is outside " + subnet.str());
  IpAddress ip = subnet.network().address;
  // Add the index to the big-endian address, carrying from the last byte.
  unsigned carry = 0;
  for (std::size_t i = ip.size(); i-- > 0;) {
    const unsigned sum = ip.bytes[i] + static_cast<unsigned>(index & 0xff) + carry;
    ip.bytes[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
    index >>= 8;
  }
  return ip;
}

}  // namespace picket::gateway
