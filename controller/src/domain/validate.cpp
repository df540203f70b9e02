#include "picket/controller/validate.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "picket/gateway/ip.hpp"

namespace picket::controller {

namespace {

constexpr std::size_t kMaxLabel = 32;
constexpr std::size_t kMaxNote = 256;
constexpr std::size_t kMaxDnsName = 253;
constexpr std::size_t kMaxDnsLabel = 63;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

std::string allowed_label(std::string_view what) {
  return std::string(what) +
         " may use 1–32 characters of a–z, 0–9 and '-', not starting or ending with '-'";
}

// Decodes one UTF-8 sequence at `text[pos]`, rejecting overlong forms,
// surrogates and values past U+10FFFF. Returns the code point and advances
// `pos`, or nullopt for invalid bytes.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, value = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, value = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (pos + length > text.size()) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xc0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(pos + i) & 0x3f);
  }
  if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
    return std::nullopt;
  }
  pos += length;
  return value;
}

// Bidirectional overrides can make a note display as something other than
// what it says: the kind of trick an adversary plays on an admin.
bool is_bidi_control(char32_t c) {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
         c == 0x200f || c == 0x061c;
}

std::uint16_t parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 5 || error != std::errc{} || end != text.data() + text.size() ||
      value < 1 || value > 65535) {
    throw std::invalid_argument("the endpoint's port must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

// A hostname as resolvers accept it (RFC 1123): dot-separated labels of
// letters, digits and '-', returned lowercase.
std::string normalize_dns_name(std::string_view host) {
  if (host.size() > kMaxDnsName) {
    throw std::invalid_argument("the endpoint's host name is longer than 253 characters");
  }
  std::string name;
  name.reserve(host.size());
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const std::string_view label = host.substr(label_start, i - label_start);
      if (label.empty()) {
        throw std::invalid_argument("the endpoint's host '" + std::string(host) +
                                    "' has an empty label (two dots, or a dot at either end)");
      }
      if (label.size() > kMaxDnsLabel) {
        throw std::invalid_argument("the endpoint's host '" + std::string(host) +
                                    "' has a label longer than 63 characters");
      }
      if (label.front() == '-' || label.back() == '-') {
        throw std::invalid_argument("the endpoint's host '" + std::string(host) +
                                    "' has a label starting or ending with '-'");
      }
      if (i < host.size()) name += '.';
      label_start = i + 1;
      continue;
    }
    const char c =
        static_cast<char>(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
    if (!is_lower_alnum(c) && c != '-') {
      throw std::invalid_argument("the endpoint's host '" + std::string(host) +
                                  "' is not a host name: use letters, digits, '-' and '.', an "
                                  "IPv4 address or an IPv6 address in brackets");
    }
    name += c;
  }
  return name;
}

constexpr const char* kDialable =
    ": give the gateway's public name or address, e.g. vpn.example.org:51820";

// A loopback or unspecified endpoint passes every syntax check, yet a
// member's phone would dial itself, or nothing.
void refuse_undialable(std::string_view endpoint, const gateway::IpAddress& address) {
  const auto& b = address.bytes;
  bool loopback = false;
  bool unspecified = false;
  if (address.is_v4()) {
    loopback = b[0] == 127;
    unspecified = b[0] == 0;
  } else {
    const bool leading_zeros =
        std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; });
    const bool mapped = leading_zeros && b[10] == 0xff && b[11] == 0xff;
    const bool low_zeros =
        std::all_of(b.begin() + 10, b.begin() + 15, [](auto x) { return x == 0; });
    loopback = (leading_zeros && low_zeros && b[15] == 1) || (mapped && b[12] == 127);
    unspecified = (leading_zeros && low_zeros && b[15] == 0) || (mapped && b[12] == 0);
  }
  if (loopback) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                "' is a loopback address, which every phone reads as itself" +
                                kDialable);
  }
  if (unspecified) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                "' is the unspecified address, which no phone can dial" +
                                kDialable);
  }
}

}  // namespace

std::string normalize_label(std::string_view what, std::string_view label) {
  if (label.empty())
    throw std::invalid_argument(std::string(what) + " is empty: " + allowed_label(what));
  for (const char raw : label) {
    const auto c = static_cast<unsigned char>(raw);
    if (c >= 0x80) {
      throw std::invalid_argument(std::string(what) +
                                  " contains a non-ASCII character: it becomes a DNS name, so " +
                                  allowed_label(what));
    }
    if (is_control(c)) {
      throw std::invalid_argument(std::string(what) +
                                  " contains a control character: " + allowed_label(what));
    }
  }
  if (label.size() > kMaxLabel) {
    throw std::invalid_argument(std::string(what) + " is " + std::to_string(label.size()) +
                                " characters long: " + allowed_label(what));
  }
  std::string normalized;
  normalized.reserve(label.size());
  for (const char raw : label) {
    const char c = raw >= 'A' && raw <= 'Z' ? static_cast<char>(raw - 'A' + 'a') : raw;
    if (!is_lower_alnum(c) && c != '-') {
      // Printable ASCII only reaches here, so quoting it is safe.
      throw std::invalid_argument(std::string(what) + " contains '" + std::string(1, c) +
                                  "': " + allowed_label(what));
    }
    normalized += c;
  }
  if (normalized.front() == '-' || normalized.back() == '-') {
    throw std::invalid_argument(std::string(what) +
                                " starts or ends with '-': " + allowed_label(what));
  }
  return normalized;
}

std::string validate_note(std::string_view note) {
  if (note.size() > kMaxNote) {
    throw std::invalid_argument("the note is " + std::to_string(note.size()) +
                                " bytes long; at most 256 bytes are allowed");
  }
  std::size_t pos = 0;
  while (pos < note.size()) {
    const auto c = next_code_point(note, pos);
    if (!c) throw std::invalid_argument("the note is not valid UTF-8 text");
    if (*c < 0x20 || (*c >= 0x7f && *c <= 0x9f)) {
      throw std::invalid_argument(
          "the note contains a control character (line breaks and tabs included); write it on "
          "one line");
    }
    if (is_bidi_control(*c)) {
      throw std::invalid_argument(
          "the note contains a bidirectional text control character, which can make it display "
          "differently from what it says");
    }
  }
  return std::string(note);
}

std::string validate_endpoint(std::string_view endpoint) {
  if (endpoint.empty()) {
    throw std::invalid_argument(
        "the endpoint is empty: write host:port, e.g. vpn.example.org:51820");
  }
  for (const char raw : endpoint) {
    const auto c = static_cast<unsigned char>(raw);
    if (is_control(c) || c >= 0x80 || c == ' ') {
      throw std::invalid_argument(
          "the endpoint contains a space, control or non-ASCII character: write host:port, "
          "e.g. vpn.example.org:51820 (internationalized names in their xn-- form)");
    }
  }
  if (endpoint.front() == '[') {
    const auto close = endpoint.find(']');
    if (close == std::string_view::npos) {
      throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                  "' opens '[' without closing it: write [IPv6]:port");
    }
    const std::string_view host = endpoint.substr(1, close - 1);
    const auto address = gateway::IpAddress::try_parse(host);
    if (!address || address->is_v4()) {
      throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                  "' has no valid IPv6 address inside the brackets");
    }
    if (close + 1 >= endpoint.size() || endpoint[close + 1] != ':') {
      throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                  "' has no port: write [IPv6]:port, e.g. [2001:db8::1]:51820");
    }
    const auto port = parse_port(endpoint.substr(close + 2));
    refuse_undialable(endpoint, *address);
    return "[" + address->str() + "]:" + std::to_string(port);
  }
  const auto colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                "' has no port: write host:port, e.g. vpn.example.org:51820");
  }
  const std::string_view host = endpoint.substr(0, colon);
  if (host.find(':') != std::string_view::npos) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                "' looks like an IPv6 address: put it in brackets, e.g. "
                                "[2001:db8::1]:51820");
  }
  if (host.empty()) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) + "' has no host");
  }
  const auto port = parse_port(endpoint.substr(colon + 1));
  // A name whose last label is all digits is no host name (RFC 3696 §2), so
  // such a host must be a valid IPv4 address; this catches 10.0.0.256.
  const auto last_dot = host.rfind('.');
  const std::string_view last_label =
      last_dot == std::string_view::npos ? host : host.substr(last_dot + 1);
  const bool numeric =
      !last_label.empty() && last_label.find_first_not_of("0123456789") == std::string_view::npos;
  if (numeric) {
    const auto address = gateway::IpAddress::try_parse(host);
    if (!address || !address->is_v4()) {
      throw std::invalid_argument("the endpoint's host '" + std::string(host) +
                                  "' is not a valid IPv4 address");
    }
    refuse_undialable(endpoint, *address);
    return address->str() + ":" + std::to_string(port);
  }
  auto name = normalize_dns_name(host);
  // RFC 6761: localhost and every name under it resolve to loopback.
  if (name == "localhost" || name.ends_with(".localhost")) {
    throw std::invalid_argument("the endpoint '" + std::string(endpoint) +
                                "' names localhost, which every phone reads as itself" + kDialable);
  }
  return name + ":" + std::to_string(port);
}

}  // namespace picket::controller

namespace picket::controller {

void check_ula_subnet(const gateway::Cidr& subnet) {
  // fc00::/7: unique local addresses, private like 10.0.0.0/8.
  if (subnet.address.is_v4() || (subnet.address.bytes[0] & 0xfe) != 0xfc) {
    throw std::invalid_argument(
        "the IPv6 subnet " + subnet.str() +
        " is not a unique local (fc00::/7) prefix: members would use addresses of a network that "
        "is not theirs to give out; pick one under fd00::/8, e.g. fd77:77::/64");
  }
}

DeviceAccess validate_access(const DeviceAccess& access) {
  DeviceAccess out;
  if (access.restricted_to) {
    if (access.restricted_to->size() > kMaxRestrictedCidrs) {
      throw std::invalid_argument("at most " + std::to_string(kMaxRestrictedCidrs) +
                                  " restricted_to destinations are supported");
    }
    out.restricted_to.emplace();
    for (const auto& cidr : *access.restricted_to) out.restricted_to->push_back(cidr.network());
  }
  if (!access.group.empty()) out.group = normalize_label("group", access.group);
  return out;
}

}  // namespace picket::controller
