#include <catch2/catch.hpp>

#include "dns/local_answer.hpp"
#include "dns_test_util.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway::dns;
using picket::gateway::Cidr;
using picket::gateway::IpAddress;
using picket::gateway::dns::test::make_query;

namespace {

const IpAddress kNobody = IpAddress::parse("10.77.0.250");

Message ask(const LocalZone& zone, const std::string& name, std::uint16_t qtype,
            const IpAddress& querier = kNobody) {
  const auto q = parse_query(make_query(name, qtype)).query;
  auto answer = local_answer(zone, q, querier);
  REQUIRE(answer);
  auto message = parse_message(*answer);
  REQUIRE(message);
  return *message;
}

}  // namespace

TEST_CASE("dns zone: device names answer A, AAAA and PTR", "[dns]") {
  LocalZone zone("picket.internal");
  zone.set_open(true);
  zone.put({"phone.alice.picket.internal",
            {IpAddress::parse("10.77.0.5"), IpAddress::parse("fd77:77::5")},
            {}});
  auto a = ask(zone, "Phone.Alice.picket.internal", type::A);
  REQUIRE(a.rcode() == rcode::NoError);
  REQUIRE((a.flags & flag::AA));
  REQUIRE(a.answers.at(0).rdata == Bytes{10, 77, 0, 5});
  auto aaaa = ask(zone, "phone.alice.picket.internal", type::AAAA);
  REQUIRE(aaaa.answers.at(0).rdata.size() == 16);
  auto ptr = ask(zone, "5.0.77.10.in-addr.arpa", type::PTR);
  REQUIRE(std::string(ptr.answers.at(0).rdata.begin(), ptr.answers.at(0).rdata.end()) ==
          *host_to_wire("phone.alice.picket.internal"));
  auto ptr6 = ask(zone, "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.7.0.0.7.7.d.f.ip6.arpa",
                  type::PTR);
  REQUIRE(ptr6.answers.size() == 1);
}

TEST_CASE("dns zone: missing names are NXDOMAIN, member names NODATA, with the SOA", "[dns]") {
  LocalZone zone("picket.internal");
  zone.set_open(true);
  zone.put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {}});
  auto nx = ask(zone, "laptop.alice.picket.internal", type::A);
  REQUIRE(nx.rcode() == rcode::NxDomain);
  REQUIRE(nx.authority.at(0).type == type::SOA);
  auto ent = ask(zone, "alice.picket.internal", type::A);
  REQUIRE(ent.rcode() == rcode::NoError);
  REQUIRE(ent.answers.empty());
  auto mx = ask(zone, "phone.alice.picket.internal", type::MX);
  REQUIRE(mx.rcode() == rcode::NoError);
  REQUIRE(mx.answers.empty());
  zone.remove("phone.alice.picket.internal");
  REQUIRE(ask(zone, "phone.alice.picket.internal", type::A).rcode() == rcode::NxDomain);
  REQUIRE(ask(zone, "alice.picket.internal", type::A).rcode() == rcode::NxDomain);
  // A reverse name of no device goes upstream (libunbound answers private ranges locally).
  REQUIRE_FALSE(local_answer(
      zone, parse_query(make_query("5.0.77.10.in-addr.arpa", type::PTR)).query, kNobody));
}

TEST_CASE("dns zone: names outside the zone are not its business", "[dns]") {
  LocalZone zone("picket.internal");
  const auto q = parse_query(make_query("xpicket.internal", type::A)).query;
  REQUIRE_FALSE(local_answer(zone, q, kNobody));
  const auto q2 = parse_query(make_query("example.org", type::A)).query;
  REQUIRE_FALSE(local_answer(zone, q2, kNobody));
}

TEST_CASE("dns zone: bad names and taken addresses change nothing", "[dns]") {
  LocalZone zone("picket.internal");
  zone.put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {}});
  REQUIRE_THROWS_AS(zone.put({"phone.alice.example.org", {IpAddress::parse("10.77.0.6")}, {}}),
                    picket::gateway::Error);
  REQUIRE_THROWS_AS(zone.put({"bad name.picket.internal", {}, {}}), picket::gateway::Error);
  REQUIRE_THROWS_AS(zone.put({"tab.bob.picket.internal", {IpAddress::parse("10.77.0.5")}, {}}),
                    picket::gateway::Error);
  REQUIRE_THROWS_AS(
      zone.replace_all({{"a.b.picket.internal", {IpAddress::parse("10.77.0.9")}, {}},
                        {"c.d.picket.internal", {IpAddress::parse("10.77.0.9")}, {}}}),
      picket::gateway::Error);
  REQUIRE(zone.size() == 1);
  zone.set_open(true);
  REQUIRE(ask(zone, "phone.alice.picket.internal", type::A).answers.size() == 1);
  REQUIRE_THROWS_AS(LocalZone("bad zone"), picket::gateway::Error);
}

namespace {

// Everything but the question: what would tell two answers apart.
Message without_question(Message m) {
  m.questions.clear();
  return m;
}

bool same_shape(const Message& a, const Message& b) {
  const auto x = without_question(a);
  const auto y = without_question(b);
  auto records = [](const std::vector<Record>& rs) {
    std::vector<std::tuple<std::string, std::uint16_t, std::uint32_t, Bytes>> out;
    for (const auto& r : rs) out.emplace_back(r.name, r.type, r.ttl, r.rdata);
    return out;
  };
  return x.flags == y.flags && records(x.answers) == records(y.answers) &&
         records(x.authority) == records(y.authority) &&
         records(x.additional) == records(y.additional);
}

}  // namespace

TEST_CASE("dns zone: a querier sees only names that share a scope with its own", "[dns]") {
  LocalZone zone("picket.internal");
  zone.set_local_networks({Cidr::parse("10.77.0.0/24"), Cidr::parse("fd77:77::/64")});
  const auto alice_phone = IpAddress::parse("10.77.0.2");
  zone.put({"phone.alice.picket.internal", {alice_phone, IpAddress::parse("fd77:77::2")}, {1}});
  zone.put({"laptop.alice.picket.internal", {IpAddress::parse("10.77.0.3")}, {1}});
  zone.put({"laptop.bob.picket.internal", {IpAddress::parse("10.77.0.4")}, {2}});
  zone.put({"tablet.bob.picket.internal", {IpAddress::parse("10.77.0.5")}, {2, 7}});

  // Its own member's devices, by name and address, from either of its addresses.
  CHECK(ask(zone, "laptop.alice.picket.internal", type::A, alice_phone).answers.size() == 1);
  CHECK(ask(zone, "3.0.77.10.in-addr.arpa", type::PTR, IpAddress::parse("fd77:77::2"))
            .answers.size() == 1);
  CHECK(ask(zone, "alice.picket.internal", type::A, alice_phone).rcode() == rcode::NoError);

  // Another member's: exactly like nothing at all.
  const auto hidden = ask(zone, "laptop.bob.picket.internal", type::A, alice_phone);
  CHECK(hidden.rcode() == rcode::NxDomain);
  CHECK(same_shape(hidden, ask(zone, "laptop.nobody.picket.internal", type::A, alice_phone)));
  CHECK(ask(zone, "bob.picket.internal", type::A, alice_phone).rcode() == rcode::NxDomain);
  const auto hidden_ptr = ask(zone, "4.0.77.10.in-addr.arpa", type::PTR, alice_phone);
  CHECK(hidden_ptr.rcode() == rcode::NxDomain);
  CHECK(same_shape(hidden_ptr, ask(zone, "99.0.77.10.in-addr.arpa", type::PTR, alice_phone)));

  // A shared scope (a group) shows exactly the names that carry it.
  zone.put({"phone.alice.picket.internal", {alice_phone}, {1, 7}});
  CHECK(ask(zone, "tablet.bob.picket.internal", type::A, alice_phone).answers.size() == 1);
  CHECK(ask(zone, "laptop.bob.picket.internal", type::A, alice_phone).rcode() == rcode::NxDomain);
  CHECK(ask(zone, "bob.picket.internal", type::A, alice_phone).rcode() == rcode::NoError);

  // An address that holds no name sees none; the open zone shows all.
  CHECK(ask(zone, "phone.alice.picket.internal", type::A).rcode() == rcode::NxDomain);
  zone.set_open(true);
  CHECK(ask(zone, "laptop.bob.picket.internal", type::A, alice_phone).answers.size() == 1);
  CHECK(ask(zone, "4.0.77.10.in-addr.arpa", type::PTR).answers.size() == 1);
  // Outside the local networks an unknown address is upstream's business.
  CHECK_FALSE(local_answer(zone, parse_query(make_query("4.0.78.10.in-addr.arpa", type::PTR)).query,
                           alice_phone));
}

TEST_CASE("dns zone: reverse names map back to their address, canonical only", "[dns]") {
  for (const auto* text : {"10.77.0.5", "0.0.0.0", "255.255.255.255", "fd77:77::5", "::1"}) {
    const auto address = IpAddress::parse(text);
    CHECK(address_of_reverse_name(reverse_name(address)) == address);
  }
  CHECK_FALSE(address_of_reverse_name(*host_to_wire("05.0.77.10.in-addr.arpa")));
  CHECK_FALSE(address_of_reverse_name(*host_to_wire("256.0.77.10.in-addr.arpa")));
  CHECK_FALSE(address_of_reverse_name(*host_to_wire("0.77.10.in-addr.arpa")));
  CHECK_FALSE(address_of_reverse_name(*host_to_wire("phone.alice.picket.internal")));
}

TEST_CASE("dns zone: the gateway's own addresses see every name of a closed zone", "[dns]") {
  LocalZone zone("picket.internal");
  zone.set_local_networks({Cidr::parse("10.77.0.0/24")});
  zone.put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {1}});
  const auto gateway = IpAddress::parse("10.77.0.1");
  CHECK(ask(zone, "phone.alice.picket.internal", type::A, gateway).rcode() == rcode::NxDomain);
  zone.set_full_view({gateway});
  const auto a = ask(zone, "phone.alice.picket.internal", type::A, gateway);
  REQUIRE(a.rcode() == rcode::NoError);
  CHECK(a.answers.at(0).rdata == Bytes{10, 77, 0, 5});
  CHECK(ask(zone, "alice.picket.internal", type::A, gateway).rcode() == rcode::NoError);  // NODATA
  CHECK(ask(zone, "5.0.77.10.in-addr.arpa", type::PTR, gateway).answers.size() == 1);
  // Everyone else still sees only by scope.
  CHECK(ask(zone, "phone.alice.picket.internal", type::A).rcode() == rcode::NxDomain);
  CHECK(ask(zone, "5.0.77.10.in-addr.arpa", type::PTR).answers.empty());
}
