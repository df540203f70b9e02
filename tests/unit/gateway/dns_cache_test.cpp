#include <catch2/catch.hpp>

#include "dns/packet_cache.hpp"
#include "dns/responses.hpp"
#include "dns_test_util.hpp"

using namespace picket::gateway::dns;
using picket::gateway::dns::test::make_query;
using namespace std::chrono_literals;

namespace {

// An upstream answer as libunbound hands it over: compressed, OPT included.
Bytes upstream_answer(const Query& q, std::uint8_t rc, std::uint32_t ttl, bool with_soa = false) {
  Writer w(0, flag::QR | flag::RA | rc);
  w.question(q.key_name, q.qtype, q.qclass);
  if (rc == rcode::NoError && !with_soa)
    w.record(Writer::answer, Record{q.key_name, type::A, kClassIn, ttl, {192, 0, 2, 1}});
  if (with_soa) {
    const auto zone = *host_to_wire("example.org");
    Bytes soa(zone.begin(), zone.end());
    soa.insert(soa.end(), zone.begin(), zone.end());
    for (std::uint32_t v : {1u, 2u, 3u, 4u, 30u})
      for (int s = 24; s >= 0; s -= 8) soa.push_back(static_cast<std::uint8_t>(v >> s));
    w.record(Writer::authority, Record{zone, type::SOA, kClassIn, ttl, soa});
  }
  w.opt(1232, false);
  return w.finish();
}

}  // namespace

TEST_CASE("dns cache: a hit patches the ID, keeps the asked case and lowers TTLs", "[dns]") {
  const auto now = Clock::now();
  const auto first = parse_query(make_query("www.example.org", type::A, false, false, 1)).query;
  auto prepared =
      prepare_upstream_answer(upstream_answer(first, rcode::NoError, 300), first, false, now);
  REQUIRE(prepared);
  REQUIRE(prepared->cacheable);
  REQUIRE(prepared->entry.expires == now + 300s);
  PacketCache cache(1 << 20);
  cache.insert(PacketCache::key(first), prepared->entry);

  const auto second =
      parse_query(make_query("WWW.example.ORG", type::A, false, false, 0xbeef)).query;
  REQUIRE(PacketCache::key(second) == PacketCache::key(first));
  const auto* entry = cache.find(PacketCache::key(second), now + 100s);
  REQUIRE(entry);
  const auto answer = answer_from_cache(*entry, second, now + 100s);
  const auto message = parse_message(answer);
  REQUIRE(message);
  REQUIRE(message->id == 0xbeef);
  REQUIRE(message->questions.at(0).name == second.name);
  REQUIRE(message->answers.at(0).ttl == 200);
  REQUIRE(message->additional.empty());  // the client sent no OPT

  REQUIRE_FALSE(cache.find(PacketCache::key(second), now + 300s));  // expired at the TTL
  REQUIRE(cache.entries() == 0);
}

TEST_CASE("dns cache: the key separates DO, CD and EDNS", "[dns]") {
  const auto plain = parse_query(make_query("a.example", type::A)).query;
  const auto edns = parse_query(make_query("a.example", type::A, true)).query;
  const auto dnssec = parse_query(make_query("a.example", type::A, true, true)).query;
  REQUIRE(PacketCache::key(plain) != PacketCache::key(edns));
  REQUIRE(PacketCache::key(edns) != PacketCache::key(dnssec));
  auto cd = make_query("a.example", type::A);
  cd[3] |= 0x10;
  REQUIRE(PacketCache::key(parse_query(cd).query) != PacketCache::key(plain));
}

TEST_CASE("dns cache: negative answers expire at min(SOA TTL, SOA MINIMUM)", "[dns]") {
  const auto now = Clock::now();
  const auto q = parse_query(make_query("nope.example.org", type::A)).query;
  const auto prepared =
      prepare_upstream_answer(upstream_answer(q, rcode::NxDomain, 3600, true), q, false, now);
  REQUIRE(prepared);
  REQUIRE(prepared->cacheable);
  REQUIRE(prepared->entry.expires == now + 30s);
}

TEST_CASE("dns cache: SERVFAIL is never cached", "[dns]") {
  const auto q = parse_query(make_query("broken.example", type::A)).query;
  const auto prepared =
      prepare_upstream_answer(upstream_answer(q, rcode::ServFail, 0), q, false, Clock::now());
  REQUIRE(prepared);
  REQUIRE_FALSE(prepared->cacheable);
}

TEST_CASE("dns cache: least recently used entries go first past the byte budget", "[dns]") {
  PacketCache cache(1000);
  const auto now = Clock::now();
  for (int i = 0; i < 20; ++i) {
    PacketCache::Entry e{Bytes(100, 0), {}, now, now + 60s};
    cache.insert("key" + std::to_string(i), e);
  }
  REQUIRE(cache.bytes() <= 1000);
  REQUIRE(cache.find("key19", now));
  REQUIRE_FALSE(cache.find("key0", now));
}
