#include "netlink/attributes.hpp"

#include <linux/netlink.h>

#include <cstring>

#include "picket/gateway/error.hpp"

namespace picket::gateway::netlink {
namespace {

constexpr std::size_t kAttrHeader = 4;

constexpr std::size_t align4(std::size_t n) {
  return (n + 3) & ~std::size_t{3};
}

void store_u16(std::uint8_t* at, std::uint16_t v) {
  std::memcpy(at, &v, sizeof v);  // host order, as netlink wants
}

void store_u32(std::uint8_t* at, std::uint32_t v) {
  std::memcpy(at, &v, sizeof v);
}

template <class T>
std::optional<T> load(std::span<const std::uint8_t> payload) {
  if (payload.size() != sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, payload.data(), sizeof v);
  return v;
}

}  // namespace

MessageWriter::MessageWriter(std::uint16_t family, std::uint16_t flags, std::uint8_t command,
                             std::uint8_t version)
    : bytes_(kGenlHeaderSize, 0) {
  store_u16(bytes_.data() + 4, family);  // nlmsg_type
  store_u16(bytes_.data() + 6, flags);   // nlmsg_flags
  bytes_[16] = command;                  // genlmsghdr.cmd
  bytes_[17] = version;                  // genlmsghdr.version
}

void MessageWriter::put(std::uint16_t type, std::span<const std::uint8_t> payload) {
  const std::size_t at = bytes_.size();
  bytes_.resize(at + align4(kAttrHeader + payload.size()), 0);
  store_u16(bytes_.data() + at, static_cast<std::uint16_t>(kAttrHeader + payload.size()));
  store_u16(bytes_.data() + at + 2, type);
  if (!payload.empty())
    std::memcpy(bytes_.data() + at + kAttrHeader, payload.data(), payload.size());
}

void MessageWriter::put_u8(std::uint16_t type, std::uint8_t value) {
  put(type, std::span(&value, 1));
}

void MessageWriter::put_u16(std::uint16_t type, std::uint16_t value) {
  std::uint8_t raw[2];
  store_u16(raw, value);
  put(type, raw);
}

void MessageWriter::put_u32(std::uint16_t type, std::uint32_t value) {
  std::uint8_t raw[4];
  store_u32(raw, value);
  put(type, raw);
}

void MessageWriter::put_string(std::uint16_t type, std::string_view value) {
  Bytes raw(value.begin(), value.end());
  raw.push_back(0);
  put(type, raw);
}

std::size_t MessageWriter::begin_nest(std::uint16_t type) {
  const std::size_t at = bytes_.size();
  // NLA_F_NESTED: the kernel masks it off either way, and strict parsers
  // insist on it.
  put(static_cast<std::uint16_t>(type | NLA_F_NESTED), {});
  return at;
}

void MessageWriter::end_nest(std::size_t offset) {
  store_u16(bytes_.data() + offset, static_cast<std::uint16_t>(bytes_.size() - offset));
}

Bytes MessageWriter::finish() {
  store_u32(bytes_.data(), static_cast<std::uint32_t>(bytes_.size()));
  return std::move(bytes_);
}

std::optional<std::uint8_t> Attribute::u8() const {
  return load<std::uint8_t>(payload);
}
std::optional<std::uint16_t> Attribute::u16() const {
  return load<std::uint16_t>(payload);
}
std::optional<std::uint32_t> Attribute::u32() const {
  return load<std::uint32_t>(payload);
}
std::optional<std::uint64_t> Attribute::u64() const {
  return load<std::uint64_t>(payload);
}

std::vector<Attribute> parse_attributes(std::span<const std::uint8_t> bytes) {
  std::vector<Attribute> out;
  std::size_t at = 0;
  while (at + kAttrHeader <= bytes.size()) {
    std::uint16_t len = 0;
    std::uint16_t type = 0;
    std::memcpy(&len, bytes.data() + at, 2);
    std::memcpy(&type, bytes.data() + at + 2, 2);
    if (len < kAttrHeader || at + len > bytes.size())
      throw Error("malformed netlink attribute in a reply from the kernel");
    out.push_back({static_cast<std::uint16_t>(type & NLA_TYPE_MASK),
                   bytes.subspan(at + kAttrHeader, len - kAttrHeader)});
    at += align4(len);
  }
  return out;
}

}  // namespace picket::gateway::netlink
