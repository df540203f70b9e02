#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "picket/gateway/dns/blocklist.hpp"
#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway::dns;

namespace {
bool blocked(const Blocklist& list, const std::string& host) {
  return list.blocks(*host_to_wire(host));
}
}  // namespace

TEST_CASE("dns blocklist: hosts and domain-list lines block names and subdomains", "[dns]") {
  BlocklistBuilder builder;
  builder.add_line("# a comment");
  builder.add_line("0.0.0.0 ads.example.com tracker.example.net  # trailing comment");
  builder.add_line("127.0.0.1 localhost");
  builder.add_line(":: ip6-localhost");
  builder.add_line("Metrics.Example.ORG");
  builder.add_line("*.wild.example");
  builder.add_line("||adblock.example^");
  builder.add_line("not a domain line at all");
  builder.add_line("");
  const auto list = builder.build();
  REQUIRE(list.size() == 5);
  REQUIRE(builder.skipped_lines() == 1);
  REQUIRE(builder.first_skipped_line() == 8);
  REQUIRE(blocked(list, "ads.example.com"));
  REQUIRE(blocked(list, "x.y.ADS.example.com"));
  REQUIRE(blocked(list, "metrics.example.org"));
  REQUIRE(blocked(list, "a.wild.example"));
  REQUIRE(blocked(list, "adblock.example"));
  REQUIRE_FALSE(blocked(list, "example.com"));
  REQUIRE_FALSE(blocked(list, "bads.example.com"));
  REQUIRE_FALSE(blocked(list, "localhost"));
  REQUIRE_FALSE(Blocklist().blocks(*host_to_wire("ads.example.com")));
}

// Regression (blocklist_fuzz): one domain made a table of one full slot, and
// looking up any other name probed it forever.
TEST_CASE("dns blocklist: a one-domain list answers other names", "[dns]") {
  BlocklistBuilder builder;
  builder.add_line("ads.example");
  const auto list = builder.build();
  REQUIRE(list.size() == 1);
  REQUIRE(blocked(list, "www.ads.example"));
  REQUIRE_FALSE(blocked(list, "www.other.example"));
}

TEST_CASE("dns blocklist: unreadable or wrong files are refused with their name", "[dns]") {
  BlocklistBuilder builder;
  REQUIRE_THROWS_WITH(builder.add_file("/nonexistent/list.txt"),
                      Catch::Contains("/nonexistent/list.txt"));
  const auto path = std::filesystem::temp_directory_path() / "picket-dns-bad-list.txt";
  {
    std::ofstream out(path);
    out << "this is\nnot { a list }\n";
  }
  REQUIRE_THROWS_AS(builder.add_file(path), picket::gateway::Error);
  std::filesystem::remove(path);
}

TEST_CASE("dns blocklist: a million domains in a bounded table", "[dns]") {
  BlocklistBuilder builder;
  for (int i = 0; i < 1000000; ++i)
    builder.add_domain("host" + std::to_string(i) + ".tracker.test");
  const auto list = builder.build();
  REQUIRE(list.size() == 1000000);
  REQUIRE(list.memory_bytes() <= 16u << 20);
  REQUIRE(blocked(list, "host999999.tracker.test"));
  REQUIRE_FALSE(blocked(list, "host1000000.tracker.test"));
}
