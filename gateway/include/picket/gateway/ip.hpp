#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace picket::gateway {

// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes of `bytes`, the rest
// stay zero so that defaulted comparison works.
struct IpAddress {
  enum class Family : std::uint8_t { v4 = 4, v6 = 6 };
  Family family = Family::v4;
  std::array<std::uint8_t, 16> bytes{};

  static IpAddress parse(std::string_view text);  // throws ParseError quoting text
  static std::optional<IpAddress> try_parse(std::string_view text);
  std::string str() const;  // canonical form (inet_ntop)
  bool is_v4() const { return family == Family::v4; }
  std::size_t size() const { return is_v4() ? 4 : 16; }
  std::uint8_t max_prefix() const { return is_v4() ? 32 : 128; }

  auto operator<=>(const IpAddress&) const = default;
};

// A prefix such as 10.77.0.0/24 or fd77:77::2/128.
struct Cidr {
  IpAddress address;
  std::uint8_t prefix = 0;

  // Accepts "a.b.c.d/n", "x::y/n"; without "/n" the full length is assumed.
  // Throws ParseError quoting the text. Host bits may be set (use network()).
  static Cidr parse(std::string_view text);
  static std::optional<Cidr> try_parse(std::string_view text);
  std::string str() const;

  Cidr network() const;  // host bits cleared
  bool is_network() const { return network() == *this; }
  bool contains(const IpAddress& ip) const;
  bool overlaps(const Cidr& other) const;

  auto operator<=>(const Cidr&) const = default;
};

// The address `index` hosts into the network of `subnet` (index 1 is the
// first address after the network address). Throws Error when out of range.
IpAddress nth_address(const Cidr& subnet, std::uint64_t index);

}  // namespace picket::gateway
