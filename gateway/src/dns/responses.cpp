#include "dns/responses.hpp"

#include <algorithm>
#include <limits>

namespace picket::gateway::dns {

std::uint16_t answer_flags(const Query& query, std::uint8_t rcode) {
  return static_cast<std::uint16_t>(flag::QR | flag::RA | (query.flags & (flag::RD | flag::CD)) |
                                    (rcode & 0x0f));
}

Bytes error_response(const ParsedQuery& parsed, std::uint8_t rcode) {
  const auto& q = parsed.query;
  // BADVERS is 16: the low 4 bits (0) go in the header, the rest in OPT.
  const bool badvers = parsed.status == QueryStatus::badvers;
  Writer w(q.id, answer_flags(q, badvers ? 0 : rcode));
  if (parsed.question) w.question(q.name, q.qtype, q.qclass);
  if (q.has_edns) w.opt(kMaxUdpPayload, q.do_bit, badvers ? rcode::BadVers >> 4 : 0);
  return w.finish();
}

Bytes fit_for_udp(Bytes answer, const Query& query) {
  if (answer.size() <= query.udp_payload) return answer;
  Writer w(query.id, static_cast<std::uint16_t>(get16(answer, 2) | flag::TC));
  w.question(query.name, query.qtype, query.qclass);
  if (query.has_edns) w.opt(kMaxUdpPayload, query.do_bit);
  return w.finish();
}

Bytes blocked_response(const Query& query, BlockAnswer mode) {
  const bool null = mode == BlockAnswer::null_address;
  Writer w(query.id, answer_flags(query, null ? rcode::NoError : rcode::NxDomain));
  w.question(query.name, query.qtype, query.qclass);
  if (null && (query.qtype == type::A || query.qtype == type::AAAA)) {
    Record rr{query.name, query.qtype, kClassIn, 300, {}};
    rr.rdata.assign(query.qtype == type::A ? 4 : 16, 0);
    w.record(Writer::answer, rr);
  }
  if (query.has_edns) w.opt(kMaxUdpPayload, query.do_bit);
  return w.finish();
}

namespace {

bool dnssec_type(std::uint16_t t) {
  return t == type::RRSIG || t == type::NSEC || t == type::NSEC3 || t == type::DS ||
         t == type::DNSKEY;
}

}  // namespace

std::optional<Prepared> prepare_upstream_answer(std::span<const std::uint8_t> answer_packet,
                                                const Query& query, bool secure,
                                                Clock::time_point now) {
  auto message = parse_message(answer_packet);
  if (!message) return std::nullopt;
  const std::uint8_t rc = message->rcode();
  std::uint16_t flags = answer_flags(query, rc) & ~(flag::RD | flag::CD);
  if (secure && query.do_bit) flags |= flag::AD;
  Writer w(0, flags);
  w.question(query.key_name, query.qtype, query.qclass);
  // A DO query asked for the DNSSEC records; others get them only when they
  // asked for that type itself.
  const auto keep = [&](const Record& rr) {
    return rr.type != type::OPT &&
           (query.do_bit || !dnssec_type(rr.type) || rr.type == query.qtype);
  };
  std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
  std::optional<std::uint32_t> negative;
  for (const auto& rr : message->answers)
    if (keep(rr)) {
      w.record(Writer::answer, rr);
      ttl = std::min(ttl, rr.ttl);
    }
  const bool has_answers = !w.ttl_offsets().empty();
  for (const auto& rr : message->authority)
    if (keep(rr)) {
      w.record(Writer::authority, rr);
      if (rr.type == type::SOA && rr.rdata.size() >= 20) {
        const std::uint32_t minimum = get32(rr.rdata, rr.rdata.size() - 4);
        negative = std::min(rr.ttl, minimum);
      }
    }
  for (const auto& rr : message->additional)
    if (keep(rr)) {
      w.record(Writer::additional, rr);
      ttl = std::min(ttl, rr.ttl);
    }
  Prepared prepared;
  prepared.entry.ttl_offsets = w.ttl_offsets();
  prepared.entry.packet = w.finish();
  prepared.entry.stored = now;
  const bool negative_answer = rc == rcode::NxDomain || (rc == rcode::NoError && !has_answers);
  if (negative_answer) ttl = negative.value_or(0);
  ttl = std::min(ttl, kMaxCacheTtl);
  prepared.cacheable = (rc == rcode::NoError || rc == rcode::NxDomain) && ttl > 0 &&
                       ttl != std::numeric_limits<std::uint32_t>::max();
  prepared.entry.expires = now + std::chrono::seconds(prepared.cacheable ? ttl : 0);
  return prepared;
}

}  // namespace picket::gateway::dns
