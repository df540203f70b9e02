#include "dns/local_answer.hpp"

#include "dns/responses.hpp"

namespace picket::gateway::dns {

namespace {

Record soa(const std::string& origin) {
  Record rr{origin, type::SOA, kClassIn, kLocalTtl, {}};
  rr.rdata.insert(rr.rdata.end(), origin.begin(), origin.end());  // MNAME
  rr.rdata.insert(rr.rdata.end(), origin.begin(), origin.end());  // RNAME
  // serial 1, refresh 3600, retry 600, expire 86400, minimum kLocalTtl
  for (std::uint32_t v : {1u, 3600u, 600u, 86400u, kLocalTtl})
    for (int shift = 24; shift >= 0; shift -= 8)
      rr.rdata.push_back(static_cast<std::uint8_t>(v >> shift));
  return rr;
}

}  // namespace

std::optional<Bytes> local_answer(const LocalZone& zone, const Query& query,
                                  const IpAddress& querier) {
  const auto found = zone.find(query.key_name, querier);
  if (found.kind == LocalZone::Kind::outside) return std::nullopt;
  const bool nx = found.kind == LocalZone::Kind::nxdomain;
  Writer w(query.id, answer_flags(query, nx ? rcode::NxDomain : rcode::NoError) | flag::AA);
  w.question(query.name, query.qtype, query.qclass);
  bool answered = false;
  if (query.qclass == kClassIn && found.kind == LocalZone::Kind::found) {
    if (!found.ptr_target.empty()) {
      if (query.qtype == type::PTR || query.qtype == type::ANY) {
        Record rr{query.name, type::PTR, kClassIn, kLocalTtl,
                  Bytes(found.ptr_target.begin(), found.ptr_target.end())};
        w.record(Writer::answer, rr);
        answered = true;
      }
    } else {
      for (const auto& address : found.addresses) {
        const std::uint16_t t = address.is_v4() ? type::A : type::AAAA;
        if (query.qtype != t && query.qtype != type::ANY) continue;
        Record rr{query.name, t, kClassIn, kLocalTtl,
                  Bytes(address.bytes.begin(), address.bytes.begin() + address.size())};
        w.record(Writer::answer, rr);
        answered = true;
      }
    }
  }
  if (found.kind == LocalZone::Kind::apex && query.qtype == type::SOA) {
    w.record(Writer::answer, soa(found.origin_wire));
    answered = true;
  }
  if (!answered && !found.origin_wire.empty()) w.record(Writer::authority, soa(found.origin_wire));
  if (query.has_edns) w.opt(kMaxUdpPayload, query.do_bit);
  return w.finish();
}

}  // namespace picket::gateway::dns
