#pragma once

// The DNS wire format (RFC 1035, EDNS0 from RFC 6891): a pure parser for
// queries and upstream answers and a writer for responses. Nothing here
// touches a socket, so the fuzz target drives exactly what the listeners do.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace picket::gateway::dns {

using Bytes = std::vector<std::uint8_t>;

namespace type {
inline constexpr std::uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16,
                               AAAA = 28, SRV = 33, DNAME = 39, OPT = 41, DS = 43, RRSIG = 46,
                               NSEC = 47, DNSKEY = 48, NSEC3 = 50, IXFR = 251, AXFR = 252,
                               ANY = 255;
}
inline constexpr std::uint16_t kClassIn = 1;

namespace rcode {
inline constexpr std::uint8_t NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4,
                              Refused = 5;
inline constexpr std::uint16_t BadVers = 16;  // extended, carried in OPT
}  // namespace rcode

namespace flag {
inline constexpr std::uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080,
                               AD = 0x0020, CD = 0x0010;
}
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kMinUdpPayload = 512;
// What Picket advertises and accepts at most over UDP: the DNS flag day 2020
// value, which avoids IP fragmentation on a tunnel MTU.
inline constexpr std::uint16_t kMaxUdpPayload = 1232;

struct Query {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::string name;      // wire format as asked (case kept, for 0x20 clients)
  std::string key_name;  // lowercased
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  bool has_edns = false;
  bool do_bit = false;
  std::uint16_t udp_payload = kMinUdpPayload;  // the client's, clamped
  std::uint8_t edns_version = 0;

  bool rd() const { return flags & flag::RD; }
  bool cd() const { return flags & flag::CD; }
};

enum class QueryStatus {
  ok,
  drop,     // not worth an answer: too short, or a response (no reflection loops)
  formerr,  // malformed: answer FORMERR (header and, when readable, question)
  notimp,   // an opcode other than QUERY
  badvers,  // EDNS version above 0
};

struct ParsedQuery {
  QueryStatus status = QueryStatus::drop;
  Query query;            // header fields always; question when it was readable
  bool question = false;  // the question could be read
};

ParsedQuery parse_query(std::span<const std::uint8_t> packet);

// Reads a possibly compressed name at `pos` into uncompressed wire format.
// Pointers must point backwards and the total stays under 255 bytes, so a
// loop or an overrun fails. Advances `pos` past the name as it is stored.
std::optional<std::string> read_name(std::span<const std::uint8_t> packet, std::size_t& pos);

struct Record {
  std::string name;  // uncompressed, case as received
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  Bytes rdata;  // names inside well-known types are decompressed
};

struct Message {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::vector<Record> questions;  // only name, type and class are used
  std::vector<Record> answers, authority, additional;
  std::uint8_t rcode() const { return flags & 0x0f; }
};

// Parses a whole message (an upstream answer). Nullopt when malformed.
std::optional<Message> parse_message(std::span<const std::uint8_t> packet);

// Writes a message, compressing owner names and names inside NS, CNAME,
// PTR, MX, SOA (RFC 1035 types) against what was already written.
class Writer {
 public:
  Writer(std::uint16_t id, std::uint16_t flags);
  void question(const std::string& name, std::uint16_t qtype, std::uint16_t qclass);
  enum Section { answer = 0, authority = 1, additional = 2 };
  void record(Section section, const Record& rr);
  // An OPT pseudo-record; extended_rcode is the upper 8 bits of a 12-bit rcode.
  void opt(std::uint16_t payload, bool do_bit, std::uint8_t extended_rcode = 0);
  Bytes finish() { return std::move(out_); }
  // Offsets of every TTL written (OPT excluded), for cache hits.
  const std::vector<std::uint16_t>& ttl_offsets() const { return ttl_offsets_; }

 private:
  void name(const std::string& wire);
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void count(int index);

  Bytes out_;
  std::vector<std::pair<std::string, std::uint16_t>> written_;  // lowercased suffix -> offset
  std::vector<std::uint16_t> ttl_offsets_;
};

// RFC 1035 types whose RDATA holds names that may be compressed.
bool rdata_has_names(std::uint16_t rrtype);

std::uint16_t get16(std::span<const std::uint8_t> p, std::size_t at);
void put16(Bytes& p, std::size_t at, std::uint16_t v);
std::uint32_t get32(std::span<const std::uint8_t> p, std::size_t at);
void put32(Bytes& p, std::size_t at, std::uint32_t v);

}  // namespace picket::gateway::dns
