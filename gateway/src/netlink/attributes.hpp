#pragma once

// Netlink message framing as plain bytes: a writer for requests and a
// bounds-checked reader for replies. Pure: no socket, no libnl, so the
// WireGuard messages built on it can be checked byte for byte.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace picket::gateway::netlink {

using Bytes = std::vector<std::uint8_t>;

// Size of struct nlmsghdr plus struct genlmsghdr: where attributes start.
inline constexpr std::size_t kGenlHeaderSize = 16 + 4;

// Builds one generic netlink message. Sequence number and port id stay zero;
// the transport fills them in when it sends.
class MessageWriter {
 public:
  MessageWriter(std::uint16_t family, std::uint16_t flags, std::uint8_t command,
                std::uint8_t version);

  std::size_t size() const { return bytes_.size(); }
  // Drops everything written after `size` (a rollback when something did not fit).
  void truncate(std::size_t size) { bytes_.resize(size); }

  void put(std::uint16_t type, std::span<const std::uint8_t> payload);
  void put_u8(std::uint16_t type, std::uint8_t value);
  void put_u16(std::uint16_t type, std::uint16_t value);
  void put_u32(std::uint16_t type, std::uint32_t value);
  void put_string(std::uint16_t type, std::string_view value);  // NUL-terminated

  // A nested attribute: begin returns its offset, end fixes its length.
  std::size_t begin_nest(std::uint16_t type);
  void end_nest(std::size_t offset);

  // The finished message with nlmsg_len set. The writer is left empty.
  Bytes finish();

 private:
  Bytes bytes_;
};

// One attribute seen by the reader; `type` has the nested and byte-order
// flags masked off.
struct Attribute {
  std::uint16_t type = 0;
  std::span<const std::uint8_t> payload;

  std::optional<std::uint8_t> u8() const;
  std::optional<std::uint16_t> u16() const;
  std::optional<std::uint32_t> u32() const;
  std::optional<std::uint64_t> u64() const;
};

// Splits a run of attributes. Throws Error on a length that runs past the
// end: replies come from the kernel, yet a parser never trusts lengths.
std::vector<Attribute> parse_attributes(std::span<const std::uint8_t> bytes);

}  // namespace picket::gateway::netlink
