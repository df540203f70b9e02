#include "dns/wire.hpp"

#include <algorithm>

#include "picket/gateway/dns/name.hpp"

namespace picket::gateway::dns {

std::uint16_t get16(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint16_t>((p[at] << 8) | p[at + 1]);
}
void put16(Bytes& p, std::size_t at, std::uint16_t v) {
  p[at] = static_cast<std::uint8_t>(v >> 8);
  p[at + 1] = static_cast<std::uint8_t>(v);
}
std::uint32_t get32(std::span<const std::uint8_t> p, std::size_t at) {
  return (std::uint32_t{get16(p, at)} << 16) | get16(p, at + 2);
}
void put32(Bytes& p, std::size_t at, std::uint32_t v) {
  put16(p, at, static_cast<std::uint16_t>(v >> 16));
  put16(p, at + 2, static_cast<std::uint16_t>(v));
}

std::optional<std::string> read_name(std::span<const std::uint8_t> packet, std::size_t& pos) {
  std::string name;
  std::size_t at = pos;
  bool jumped = false;
  while (true) {
    if (at >= packet.size()) return std::nullopt;
    const std::uint8_t length = packet[at];
    if ((length & 0xc0) == 0xc0) {
      if (at + 1 >= packet.size()) return std::nullopt;
      const std::size_t target = ((length & 0x3f) << 8) | packet[at + 1];
      // Only strictly backwards: this alone makes loops impossible.
      if (target >= at) return std::nullopt;
      if (!jumped) pos = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if (length & 0xc0) return std::nullopt;  // 0x40/0x80: obsolete label types
    if (at + 1 + length > packet.size()) return std::nullopt;
    name.append(reinterpret_cast<const char*>(&packet[at]), 1 + length);
    if (name.size() > kMaxNameWire) return std::nullopt;
    at += 1 + length;
    if (length == 0) break;
  }
  if (!jumped) pos = at;
  return name;
}

namespace {

bool skip_record(std::span<const std::uint8_t> packet, std::size_t& pos) {
  if (!read_name(packet, pos)) return false;
  if (pos + 10 > packet.size()) return false;
  const std::size_t length = get16(packet, pos + 8);
  pos += 10;
  if (pos + length > packet.size()) return false;
  pos += length;
  return true;
}

// Decompresses the names inside RDATA of the RFC 1035 types, so that the
// record no longer depends on the layout of the packet it came in.
std::optional<Bytes> expand_rdata(std::span<const std::uint8_t> packet, std::size_t start,
                                  std::size_t length, std::uint16_t rrtype) {
  const std::size_t end = start + length;
  const auto bounded = packet.first(end);
  Bytes out;
  std::size_t pos = start;
  auto copy = [&](std::size_t n) {
    if (pos + n > end) return false;
    out.insert(out.end(), packet.begin() + static_cast<std::ptrdiff_t>(pos),
               packet.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    return true;
  };
  auto name = [&] {
    auto n = read_name(bounded, pos);
    if (!n) return false;
    out.insert(out.end(), n->begin(), n->end());
    return true;
  };
  bool ok = true;
  switch (rrtype) {
    case type::NS:
    case type::CNAME:
    case type::PTR:
    case type::DNAME:
      ok = name();
      break;
    case type::MX:
      ok = copy(2) && name();
      break;
    case type::SRV:
      ok = copy(6) && name();
      break;
    case type::SOA:
      ok = name() && name() && copy(20);
      break;
    default:
      ok = copy(length);
  }
  if (!ok || pos != end) return std::nullopt;
  return out;
}

bool read_records(std::span<const std::uint8_t> packet, std::size_t& pos, std::size_t count,
                  std::vector<Record>& out) {
  for (std::size_t i = 0; i < count; ++i) {
    Record rr;
    auto name = read_name(packet, pos);
    if (!name || pos + 10 > packet.size()) return false;
    rr.name = std::move(*name);
    rr.type = get16(packet, pos);
    rr.rclass = get16(packet, pos + 2);
    rr.ttl = get32(packet, pos + 4);
    const std::size_t length = get16(packet, pos + 8);
    pos += 10;
    if (pos + length > packet.size()) return false;
    auto rdata = expand_rdata(packet, pos, length, rr.type);
    if (!rdata) return false;
    rr.rdata = std::move(*rdata);
    pos += length;
    out.push_back(std::move(rr));
  }
  return true;
}

}  // namespace

ParsedQuery parse_query(std::span<const std::uint8_t> packet) {
  ParsedQuery result;
  if (packet.size() < kHeaderSize) return result;
  auto& q = result.query;
  q.id = get16(packet, 0);
  q.flags = get16(packet, 2);
  if (q.flags & flag::QR) return result;
  if (((q.flags >> 11) & 0x0f) != 0) {
    result.status = QueryStatus::notimp;
    return result;
  }
  result.status = QueryStatus::formerr;
  if (get16(packet, 4) != 1) return result;
  std::size_t pos = kHeaderSize;
  auto name = read_name(packet, pos);
  // A question name has nothing before it to point at: no compression.
  if (!name || pos != kHeaderSize + name->size() || pos + 4 > packet.size()) return result;
  q.name = std::move(*name);
  q.key_name = lowercase_wire(q.name);
  q.qtype = get16(packet, pos);
  q.qclass = get16(packet, pos + 2);
  pos += 4;
  result.question = true;

  const std::size_t skipped = std::size_t{get16(packet, 6)} + get16(packet, 8);
  for (std::size_t i = 0; i < skipped; ++i)
    if (!skip_record(packet, pos)) return result;
  const std::size_t additional = get16(packet, 10);
  for (std::size_t i = 0; i < additional; ++i) {
    const std::size_t start = pos;
    if (!skip_record(packet, pos)) return result;
    std::size_t name_end = start;
    if (!read_name(packet, name_end)) return result;
    if (get16(packet, name_end) != type::OPT) continue;
    if (q.has_edns || name_end != start + 1 || packet[start] != 0) return result;  // RFC 6891 6.1.1
    q.has_edns = true;
    const std::uint16_t payload = get16(packet, name_end + 2);
    const std::uint32_t ttl = get32(packet, name_end + 4);
    q.edns_version = static_cast<std::uint8_t>(ttl >> 16);
    q.do_bit = ttl & 0x8000;
    q.udp_payload = std::clamp<std::uint16_t>(payload, kMinUdpPayload, kMaxUdpPayload);
  }
  if (pos != packet.size()) return result;
  result.status = (q.has_edns && q.edns_version != 0) ? QueryStatus::badvers : QueryStatus::ok;
  return result;
}

std::optional<Message> parse_message(std::span<const std::uint8_t> packet) {
  if (packet.size() < kHeaderSize) return std::nullopt;
  Message m;
  m.id = get16(packet, 0);
  m.flags = get16(packet, 2);
  std::size_t pos = kHeaderSize;
  const std::size_t qd = get16(packet, 4);
  for (std::size_t i = 0; i < qd; ++i) {
    Record q;
    auto name = read_name(packet, pos);
    if (!name || pos + 4 > packet.size()) return std::nullopt;
    q.name = std::move(*name);
    q.type = get16(packet, pos);
    q.rclass = get16(packet, pos + 2);
    pos += 4;
    m.questions.push_back(std::move(q));
  }
  if (!read_records(packet, pos, get16(packet, 6), m.answers) ||
      !read_records(packet, pos, get16(packet, 8), m.authority) ||
      !read_records(packet, pos, get16(packet, 10), m.additional) || pos != packet.size())
    return std::nullopt;
  return m;
}

bool rdata_has_names(std::uint16_t rrtype) {
  switch (rrtype) {
    case type::NS:
    case type::CNAME:
    case type::PTR:
    case type::MX:
    case type::SOA:
      return true;
    default:
      return false;
  }
}

Writer::Writer(std::uint16_t id, std::uint16_t flags) {
  out_.reserve(512);
  out_.resize(kHeaderSize, 0);
  put16(out_, 0, id);
  put16(out_, 2, flags);
}

void Writer::u16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}
void Writer::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}
void Writer::count(int index) {
  const std::size_t at = 4 + 2 * static_cast<std::size_t>(index);
  put16(out_, at, static_cast<std::uint16_t>(get16(out_, at) + 1));
}

void Writer::name(const std::string& wire) {
  const std::string lower = lowercase_wire(wire);
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    const std::string_view suffix(lower.data() + pos, lower.size() - pos);
    for (const auto& [known, offset] : written_) {
      if (known == suffix) {
        u16(static_cast<std::uint16_t>(0xc000 | offset));
        return;
      }
    }
    if (out_.size() < 0x3fff) written_.emplace_back(std::string(suffix), out_.size());
    const std::size_t length = 1 + static_cast<unsigned char>(wire[pos]);
    out_.insert(out_.end(), wire.begin() + static_cast<std::ptrdiff_t>(pos),
                wire.begin() + static_cast<std::ptrdiff_t>(pos + length));
    pos += length;
  }
  out_.push_back(0);
}

void Writer::question(const std::string& wire, std::uint16_t qtype, std::uint16_t qclass) {
  name(wire);
  u16(qtype);
  u16(qclass);
  count(0);
}

void Writer::record(Section section, const Record& rr) {
  name(rr.name);
  u16(rr.type);
  u16(rr.rclass);
  ttl_offsets_.push_back(static_cast<std::uint16_t>(out_.size()));
  u32(rr.ttl);
  const std::size_t length_at = out_.size();
  u16(0);
  if (!rdata_has_names(rr.type)) {
    out_.insert(out_.end(), rr.rdata.begin(), rr.rdata.end());
  } else {
    // The RDATA was expanded by parse_message (or built locally), so its
    // names are plain label sequences.
    const std::string rdata(rr.rdata.begin(), rr.rdata.end());
    std::size_t pos = 0;
    auto next_name = [&] {
      const std::size_t start = pos;
      while (pos < rdata.size() && rdata[pos] != 0)
        pos += 1 + static_cast<unsigned char>(rdata[pos]);
      ++pos;
      name(rdata.substr(start, pos - start));
    };
    auto raw = [&](std::size_t n) {
      out_.insert(out_.end(), rr.rdata.begin() + static_cast<std::ptrdiff_t>(pos),
                  rr.rdata.begin() + static_cast<std::ptrdiff_t>(std::min(pos + n, rdata.size())));
      pos += n;
    };
    if (rr.type == type::MX) raw(2);
    next_name();
    if (rr.type == type::SOA) {
      next_name();
      raw(20);
    }
  }
  put16(out_, length_at, static_cast<std::uint16_t>(out_.size() - length_at - 2));
  count(1 + static_cast<int>(section));
}

void Writer::opt(std::uint16_t payload, bool do_bit, std::uint8_t extended_rcode) {
  out_.push_back(0);
  u16(type::OPT);
  u16(payload);
  u32((std::uint32_t{extended_rcode} << 24) | (do_bit ? 0x8000u : 0u));
  u16(0);
  count(3);
}

}  // namespace picket::gateway::dns
