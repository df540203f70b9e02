#include <catch2/catch.hpp>

#include "dns/responses.hpp"
#include "dns/wire.hpp"
#include "dns_test_util.hpp"
#include "picket/gateway/dns/name.hpp"

using namespace picket::gateway::dns;
using picket::gateway::dns::test::make_query;

TEST_CASE("dns: host names convert to lowercased wire format and back", "[dns]") {
  REQUIRE(*host_to_wire("Phone.Alice.picket.internal.") ==
          std::string("\5phone\5alice\6picket\10internal\0", 29));
  REQUIRE(wire_to_text(*host_to_wire("a.b")) == "a.b.");
  REQUIRE(wire_to_text(std::string("\3a.b\0", 5)) == "a\\.b.");
  REQUIRE(wire_to_text(std::string("\2a\1\0", 4)) == "a\\001.");
  REQUIRE_FALSE(host_to_wire("a..b"));
  REQUIRE_FALSE(host_to_wire("a b.c"));
  REQUIRE_FALSE(host_to_wire(std::string(64, 'a') + ".com"));
}

TEST_CASE("dns: a query parses with its EDNS fields", "[dns]") {
  auto packet = make_query("www.example.org", type::AAAA, true, true);
  packet[13] = 'W';  // a 0x20-randomising client
  packet[15] = 'W';
  const auto parsed = parse_query(packet);
  REQUIRE(parsed.status == QueryStatus::ok);
  REQUIRE(parsed.query.id == 0x1234);
  REQUIRE(parsed.query.qtype == type::AAAA);
  REQUIRE(parsed.query.has_edns);
  REQUIRE(parsed.query.do_bit);
  REQUIRE(parsed.query.udp_payload == kMaxUdpPayload);  // 4096 clamped
  REQUIRE(parsed.query.name == std::string("\3WwW\7example\3org\0", 17));
  REQUIRE(parsed.query.key_name == *host_to_wire("www.example.org"));
}

TEST_CASE("dns: malformed queries are dropped or FORMERR", "[dns]") {
  auto packet = make_query("example.org", type::A);
  SECTION("too short: dropped") {
    packet.resize(11);
    REQUIRE(parse_query(packet).status == QueryStatus::drop);
  }
  SECTION("a response: dropped, never answered") {
    packet[2] |= 0x80;
    REQUIRE(parse_query(packet).status == QueryStatus::drop);
  }
  SECTION("truncated question") {
    packet.resize(packet.size() - 2);
    REQUIRE(parse_query(packet).status == QueryStatus::formerr);
  }
  SECTION("trailing garbage") {
    packet.push_back(0);
    REQUIRE(parse_query(packet).status == QueryStatus::formerr);
  }
  SECTION("two questions") {
    packet[5] = 2;
    REQUIRE(parse_query(packet).status == QueryStatus::formerr);
  }
  SECTION("compression pointer in the question") {
    packet[12] = static_cast<std::uint8_t>(0xc0);
    packet[13] = 0;
    REQUIRE(parse_query(packet).status == QueryStatus::formerr);
  }
  SECTION("another opcode: NOTIMP") {
    packet[2] |= 0x10;  // opcode 2 (STATUS)
    REQUIRE(parse_query(packet).status == QueryStatus::notimp);
  }
  SECTION("EDNS version 1: BADVERS, with the extended rcode in OPT") {
    auto edns = make_query("example.org", type::A, true);
    edns[edns.size() - 5] = 1;  // OPT TTL byte 2 = version
    const auto parsed = parse_query(edns);
    REQUIRE(parsed.status == QueryStatus::badvers);
    const auto answer = error_response(parsed, 0);
    const auto message = parse_message(answer);
    REQUIRE(message);
    REQUIRE(message->additional.at(0).type == type::OPT);
    REQUIRE((message->additional.at(0).ttl >> 24) == 1);  // 16 >> 4
  }
}

TEST_CASE("dns: compression loops and forward pointers fail to parse", "[dns]") {
  // Header with one answer whose owner name points at itself.
  Bytes packet(12, 0);
  packet[2] = 0x80;
  packet[7] = 1;
  packet.insert(packet.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0});
  REQUIRE_FALSE(parse_message(packet));
  packet[13] = 40;  // forward
  REQUIRE_FALSE(parse_message(packet));
}

TEST_CASE("dns: the writer compresses names and the parser expands them", "[dns]") {
  Writer w(7, flag::QR);
  const auto name = *host_to_wire("www.example.org");
  w.question(name, type::CNAME, kClassIn);
  const auto target = *host_to_wire("web.example.org");
  w.record(Writer::answer,
           Record{name, type::CNAME, kClassIn, 300, Bytes(target.begin(), target.end())});
  const auto bytes = w.finish();
  // The owner is a pointer to the question; the target shares "example.org".
  REQUIRE(bytes.size() == 12 + 17 + 4 + 2 + 10 + 6);
  const auto message = parse_message(bytes);
  REQUIRE(message);
  REQUIRE(message->answers.at(0).name == name);
  REQUIRE(std::string(message->answers[0].rdata.begin(), message->answers[0].rdata.end()) ==
          target);
}

TEST_CASE("dns: oversized UDP answers become TC with the question", "[dns]") {
  const auto packet = make_query("big.example", type::TXT);
  const auto query = parse_query(packet).query;
  Writer w(query.id, flag::QR);
  w.question(query.name, query.qtype, query.qclass);
  for (int i = 0; i < 10; ++i)
    w.record(Writer::answer, Record{query.name, type::TXT, kClassIn, 60, Bytes(200, 'x')});
  const auto answer = fit_for_udp(w.finish(), query);
  const auto message = parse_message(answer);
  REQUIRE(message);
  REQUIRE((message->flags & flag::TC));
  REQUIRE(message->answers.empty());
  REQUIRE(message->questions.size() == 1);
}
