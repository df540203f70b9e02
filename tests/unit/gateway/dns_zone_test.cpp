#include <catch2/catch.hpp>

#include "dns/local_answer.hpp"
#include "dns_test_util.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway::dns;
using picket::gateway::IpAddress;
using picket::gateway::dns::test::make_query;

namespace {

Message ask(const LocalZone& zone, const std::string& name, std::uint16_t qtype) {
  const auto q = parse_query(make_query(name, qtype)).query;
  auto answer = local_answer(zone, q);
  REQUIRE(answer);
  auto message = parse_message(*answer);
  REQUIRE(message);
  return *message;
}

}  // namespace

TEST_CASE("dns zone: device names answer A, AAAA and PTR", "[dns]") {
  LocalZone zone("picket.internal");
  zone.put({"phone.alice.picket.internal",
            {IpAddress::parse("10.77.0.5"), IpAddress::parse("fd77:77::5")}});
  auto a = ask(zone, "Phone.Alice.picket.internal", type::A);
  REQUIRE(a.rcode() == rcode::NoError);
  REQUIRE((a.flags & flag::AA));
  REQUIRE(a.answers.at(0).rdata == Bytes{10, 77, 0, 5});
  auto aaaa = ask(zone, "phone.alice.picket.internal", type::AAAA);
  REQUIRE(aaaa.answers.at(0).rdata.size() == 16);
  auto ptr = ask(zone, "5.0.77.10.in-addr.arpa", type::PTR);
  REQUIRE(std::string(ptr.answers.at(0).rdata.begin(), ptr.answers.at(0).rdata.end()) ==
          *host_to_wire("phone.alice.picket.internal"));
  auto ptr6 = ask(zone, "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.7.0.0.7.7.d.f.ip6.arpa", type::PTR);
  REQUIRE(ptr6.answers.size() == 1);
}

TEST_CASE("dns zone: missing names are NXDOMAIN, member names NODATA, with the SOA", "[dns]") {
  LocalZone zone("picket.internal");
  zone.put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}});
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
  REQUIRE_FALSE(local_answer(zone, parse_query(make_query("5.0.77.10.in-addr.arpa", type::PTR)).query));
}

TEST_CASE("dns zone: names outside the zone are not its business", "[dns]") {
  LocalZone zone("picket.internal");
  const auto q = parse_query(make_query("xpicket.internal", type::A)).query;
  REQUIRE_FALSE(local_answer(zone, q));
  const auto q2 = parse_query(make_query("example.org", type::A)).query;
  REQUIRE_FALSE(local_answer(zone, q2));
}

TEST_CASE("dns zone: bad names and taken addresses change nothing", "[dns]") {
  LocalZone zone("picket.internal");
  zone.put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}});
  REQUIRE_THROWS_AS(zone.put({"phone.alice.example.org", {IpAddress::parse("10.77.0.6")}}),
                    picket::gateway::Error);
  REQUIRE_THROWS_AS(zone.put({"bad name.picket.internal", {}}), picket::gateway::Error);
  REQUIRE_THROWS_AS(zone.put({"tab.bob.picket.internal", {IpAddress::parse("10.77.0.5")}}),
                    picket::gateway::Error);
  REQUIRE_THROWS_AS(zone.replace_all({{"a.b.picket.internal", {IpAddress::parse("10.77.0.9")}},
                                      {"c.d.picket.internal", {IpAddress::parse("10.77.0.9")}}}),
                    picket::gateway::Error);
  REQUIRE(zone.size() == 1);
  REQUIRE(ask(zone, "phone.alice.picket.internal", type::A).answers.size() == 1);
  REQUIRE_THROWS_AS(LocalZone("bad zone"), picket::gateway::Error);
}
