#include "picket/controller/address_pool.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace picket::controller {

namespace {

constexpr std::uint8_t kWidestV4Prefix = 16;
constexpr std::uint8_t kNarrowestV4Prefix = 30;
constexpr std::uint8_t kNarrowestV6Prefix = 120;
// The /16 maximum: 65536 addresses minus network and broadcast. Also keeps
// the bitset at 8 KiB whatever the IPv6 prefix.
constexpr std::uint32_t kMaxIndex = 65534;
constexpr std::uint32_t kGatewayIndex = 1;
constexpr std::uint32_t kWordBits = 64;

void check_subnet(const gateway::Cidr& subnet, bool want_v4) {
  const char* family = want_v4 ? "IPv4" : "IPv6";
  if (subnet.address.is_v4() != want_v4) {
    throw std::invalid_argument(std::string("the ") + family + " subnet " + subnet.str() +
                                " is not an " + family + " prefix");
  }
  if (!subnet.is_network()) {
    throw std::invalid_argument(std::string("the ") + family + " subnet " + subnet.str() +
                                " has host bits set; did you mean " + subnet.network().str() + "?");
  }
  if (want_v4 && (subnet.prefix < kWidestV4Prefix || subnet.prefix > kNarrowestV4Prefix)) {
    throw std::invalid_argument("the IPv4 subnet " + subnet.str() +
                                " is unusable: use a prefix from /16 to /30");
  }
  if (!want_v4 && subnet.prefix > kNarrowestV6Prefix) {
    throw std::invalid_argument("the IPv6 subnet " + subnet.str() +
                                " is too narrow: use /120 or wider (/64 is usual)");
  }
}

// Highest host index of `subnet`: IPv4 loses its broadcast address, IPv6
// has none; both are capped at kMaxIndex.
std::uint32_t last_index(const gateway::Cidr& subnet) {
  const unsigned host_bits = subnet.address.max_prefix() - subnet.prefix;
  if (host_bits >= 17) return kMaxIndex;
  const std::uint32_t addresses = std::uint32_t{1} << host_bits;
  return std::min(subnet.address.is_v4() ? addresses - 2 : addresses - 1, kMaxIndex);
}

}  // namespace

AddressPool::AddressPool(const gateway::Cidr& ipv4_subnet, const gateway::Cidr& ipv6_subnet)
    : v4_(ipv4_subnet), v6_(ipv6_subnet) {
  check_subnet(v4_, true);
  check_subnet(v6_, false);
  last_ = std::min(last_index(v4_), last_index(v6_));
  bits_.assign(last_ / kWordBits + 1, 0);
  // Index 0 (the network address) and 1 (the gateway) are never handed out;
  // nor are the padding bits past last_, so allocate() needs no bound check
  // inside its loop.
  bits_[0] |= 0b11;
  for (std::uint32_t i = last_ + 1; i < bits_.size() * kWordBits; ++i) {
    bits_[i / kWordBits] |= std::uint64_t{1} << (i % kWordBits);
  }
}

std::uint32_t AddressPool::allocate() {
  for (std::size_t word = 0; word < bits_.size(); ++word) {
    if (bits_[word] == ~std::uint64_t{0}) continue;
    const auto index = static_cast<std::uint32_t>(word * kWordBits + std::countr_one(bits_[word]));
    reserve(index);
    return index;
  }
  // Name the subnet that runs out first; with a /16 there is nothing wider.
  const bool v4_limits = last_index(v4_) <= last_index(v6_);
  const gateway::Cidr& limiting = v4_limits ? v4_ : v6_;
  std::string message = std::string("the ") + (v4_limits ? "IPv4" : "IPv6") + " subnet " +
                        limiting.str() + " is full: all " + std::to_string(last_ - 1) +
                        " device addresses are in use; ";
  if (last_ >= kMaxIndex) {
    message += "it is the widest Picket supports, so remove devices that are no longer used";
  } else {
    message += "widen it (for example to /" + std::to_string(limiting.prefix - 1) +
               ") or remove devices that are no longer used";
  }
  throw std::runtime_error(message);
}

void AddressPool::reserve(std::uint32_t index) {
  if (index <= kGatewayIndex || index > last_) {
    throw std::out_of_range("host index " + std::to_string(index) + " is not a device address in " +
                            v4_.str() + " and " + v6_.str());
  }
  auto& word = bits_[index / kWordBits];
  const std::uint64_t bit = std::uint64_t{1} << (index % kWordBits);
  if ((word & bit) == 0) {
    word |= bit;
    ++used_count_;
  }
}

void AddressPool::release(std::uint32_t index) {
  if (index <= kGatewayIndex || index > last_) {
    throw std::out_of_range("host index " + std::to_string(index) + " is not a device address in " +
                            v4_.str() + " and " + v6_.str());
  }
  auto& word = bits_[index / kWordBits];
  const std::uint64_t bit = std::uint64_t{1} << (index % kWordBits);
  if ((word & bit) != 0) {
    word &= ~bit;
    --used_count_;
  }
}

bool AddressPool::in_use(std::uint32_t index) const {
  if (index > last_) return false;
  return (bits_[index / kWordBits] >> (index % kWordBits) & 1U) != 0;
}

gateway::IpAddress AddressPool::ipv4_of(std::uint32_t index) const {
  if (index == 0 || index > last_) {
    throw std::out_of_range("host index " + std::to_string(index) + " is outside " + v4_.str());
  }
  return gateway::nth_address(v4_, index);
}

gateway::IpAddress AddressPool::ipv6_of(std::uint32_t index) const {
  if (index == 0 || index > last_) {
    throw std::out_of_range("host index " + std::to_string(index) + " is outside " + v6_.str());
  }
  return gateway::nth_address(v6_, index);
}

}  // namespace picket::controller
