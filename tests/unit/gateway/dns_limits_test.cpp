// The resolver's defences against a member who floods it: the per-source
// answer rate, the TCP connection limits and idle timeout (local-zone names
// only, nothing goes upstream), and the bounds on upstream work, against an
// upstream on loopback that never answers. Real sockets and libunbound.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <set>
#include <span>
#include <string>

#include "dns/rate_limiter.hpp"
#include "dns_test_util.hpp"
#include "picket/gateway/dns/resolver.hpp"

using namespace picket::gateway::dns;
using picket::gateway::Cidr;
using picket::gateway::IpAddress;
using picket::gateway::dns::test::make_query;
using namespace std::chrono_literals;

namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) { REQUIRE(fd >= 0); }
  ~Fd() { ::close(fd); }
};

ResolverConfig loopback_config() {
  ResolverConfig config;
  config.listen = {IpAddress::parse("127.0.0.1")};
  config.port = 0;
  config.allowed_sources = {Cidr::parse("127.0.0.0/8")};
  config.upstream.mode = UpstreamConfig::Mode::plain;
  config.upstream.servers = {"127.0.0.1@9"};  // never asked: local names only
  config.upstream.dnssec = false;
  return config;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return to;
}

// Waits up to `limit` for the descriptor to become readable.
bool readable(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
}

int tcp_connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in to = loopback(port);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  return fd;
}

// One length-prefixed query over TCP; true when an answer of the stated
// length comes back.
bool tcp_ask(int fd, const Bytes& query) {
  Bytes framed{static_cast<std::uint8_t>(query.size() >> 8),
               static_cast<std::uint8_t>(query.size() & 0xff)};
  framed.insert(framed.end(), query.begin(), query.end());
  if (::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(framed.size()))
    return false;
  std::uint8_t length[2];
  if (!readable(fd, 5000ms) || ::recv(fd, length, 2, MSG_WAITALL) != 2) return false;
  Bytes answer(static_cast<std::size_t>(length[0] << 8 | length[1]));
  return ::recv(fd, answer.data(), answer.size(), MSG_WAITALL) ==
         static_cast<ssize_t>(answer.size());
}

// Closed by the other side: readable, and a read returns 0 (or a reset).
bool closed_by_server(int fd, std::chrono::milliseconds limit) {
  if (!readable(fd, limit)) return false;
  std::uint8_t byte;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

}  // namespace

TEST_CASE("dns rate limiter: a burst of twice the rate, then the rate", "[dns]") {
  RateLimiter limiter(10);
  const auto a = IpAddress::parse("10.77.0.2");
  const auto b = IpAddress::parse("fd77:77::2");
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(a, t0);
  CHECK(allowed == 20);
  // Another source has its own bucket.
  CHECK(limiter.allow(b, t0));
  // Half a second refills five answers, and no more.
  allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(a, t0 + 500ms);
  CHECK(allowed == 5);
  // A long pause refills to the burst, never beyond.
  allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(a, t0 + 1h);
  CHECK(allowed == 20);
  RateLimiter off(0);
  for (int i = 0; i < 1000; ++i) REQUIRE(off.allow(a, t0));
}

TEST_CASE("dns resolver: a flooding source gets only its rate of answers", "[dns]") {
  auto config = loopback_config();
  config.rate_limit_per_source = 5;
  const auto made = make_resolver(config);
  Resolver& resolver = *made;
  resolver.local_zone().put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {}});
  const std::uint16_t port = resolver.bound_ports().at(0);

  Fd client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in to = loopback(port);
  const Bytes query = make_query("phone.alice.picket.internal", type::A);
  constexpr int kSent = 2000;
  for (int i = 0; i < kSent; ++i)
    ::sendto(client.fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to),
             sizeof to);
  int answered = 0;
  std::uint8_t buffer[512];
  while (readable(client.fd, 1000ms) && ::recv(client.fd, buffer, sizeof buffer, 0) > 0) ++answered;
  // A burst of 10 and 5 a second after it: however slow this machine, far
  // fewer than were sent, and at least the burst.
  CHECK(answered >= 1);
  CHECK(answered < kSent / 4);
  const auto stats = resolver.stats();
  CHECK(stats.rate_limited > 0);
}

TEST_CASE("dns resolver: TCP connections per source are bounded", "[dns]") {
  auto config = loopback_config();
  config.max_tcp_per_source = 2;
  const auto made = make_resolver(config);
  Resolver& resolver = *made;
  resolver.local_zone().put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {}});
  const std::uint16_t tcp_port = resolver.bound_ports().at(1);
  const Bytes query = make_query("phone.alice.picket.internal", type::A);

  Fd first(tcp_connect(tcp_port));
  Fd second(tcp_connect(tcp_port));
  REQUIRE(tcp_ask(first.fd, query));
  REQUIRE(tcp_ask(second.fd, query));
  Fd third(tcp_connect(tcp_port));
  CHECK(closed_by_server(third.fd, 5000ms));
  // The two within the limit still work, and a slot freed is usable again.
  CHECK(tcp_ask(first.fd, query));
  ::shutdown(second.fd, SHUT_RDWR);
  bool reused = false;
  for (int attempt = 0; attempt < 50 && !reused; ++attempt) {
    Fd again(tcp_connect(tcp_port));
    reused = tcp_ask(again.fd, query);
    if (!reused) ::usleep(100000);
  }
  CHECK(reused);
}

TEST_CASE("dns resolver: an idle TCP connection is closed", "[dns]") {
  auto config = loopback_config();
  config.tcp_idle_timeout = 200ms;
  const auto made = make_resolver(config);
  Resolver& resolver = *made;
  resolver.local_zone().put({"phone.alice.picket.internal", {IpAddress::parse("10.77.0.5")}, {}});
  const std::uint16_t tcp_port = resolver.bound_ports().at(1);

  Fd silent(tcp_connect(tcp_port));
  CHECK(closed_by_server(silent.fd, 10000ms));
  // A connection that asks is answered, then closed once it goes quiet.
  Fd asking(tcp_connect(tcp_port));
  REQUIRE(tcp_ask(asking.fd, make_query("phone.alice.picket.internal", type::A)));
  CHECK(closed_by_server(asking.fd, 10000ms));
}

namespace {

// An upstream that reads every query and never answers, and remembers the
// names it was asked (libunbound retransmits; a name counts once).
struct SilentUpstream {
  Fd socket{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  std::uint16_t port = 0;
  std::set<std::string> names;

  SilentUpstream() {
    sockaddr_in at = loopback(0);
    REQUIRE(::bind(socket.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) == 0);
    socklen_t length = sizeof at;
    REQUIRE(::getsockname(socket.fd, reinterpret_cast<sockaddr*>(&at), &length) == 0);
    port = ntohs(at.sin_port);
  }
  // Reads until `done()` or nothing arrives for `quiet`.
  template <typename Done>
  void drain(Done done, std::chrono::milliseconds quiet) {
    std::uint8_t buffer[1500];
    while (!done() && readable(socket.fd, quiet)) {
      const auto n = ::recv(socket.fd, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      const auto parsed = parse_query(std::span(buffer, static_cast<std::size_t>(n)));
      if (parsed.question) names.insert(parsed.query.key_name);
    }
  }
  std::size_t count_under(const std::string& label) const {
    std::size_t n = 0;
    for (const auto& name : names) n += name.find(label) != std::string::npos;
    return n;
  }
};

// A UDP client bound to one loopback source address.
Fd client_from(const char* source) {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  REQUIRE(::bind(fd.fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 0);
  return fd;
}

void ask_names(const Fd& client, std::uint16_t port, const std::string& label, int count) {
  const sockaddr_in to = loopback(port);
  for (int i = 0; i < count; ++i) {
    const auto query = make_query("n" + std::to_string(i) + "." + label + ".example", type::A);
    ::sendto(client.fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to),
             sizeof to);
  }
}

}  // namespace

TEST_CASE("dns resolver: one source cannot hold every upstream slot", "[dns]") {
  SilentUpstream upstream;
  auto config = loopback_config();
  config.rate_limit_per_source = 0;
  config.upstream.servers = {"127.0.0.1@" + std::to_string(upstream.port)};
  const auto made = make_resolver(config);
  Resolver& resolver = *made;
  const std::uint16_t port = resolver.bound_ports().at(0);

  // Source A asks for far more names than it may have waiting upstream.
  const Fd a = client_from("127.0.0.2");
  constexpr int kFlood = 200;
  static_assert(kFlood > 2 * 64);
  ask_names(a, port, "flood", kFlood);
  // Source B asks afterwards; its names must still go out.
  const Fd b = client_from("127.0.0.3");
  ask_names(b, port, "other", 10);
  upstream.drain([&] { return upstream.count_under("\x05other") == 10; }, 10000ms);
  CHECK(upstream.count_under("\x05other") == 10);
  // Whatever arrived from A, the bound held: A's waiting queries stopped at
  // the per-source limit, the rest were dropped unanswered and counted.
  upstream.drain([] { return false; }, 500ms);
  CHECK(upstream.count_under("\x05"
                             "flood") <= 64);
  CHECK(resolver.stats().upstream_dropped >= kFlood - 64);
}

TEST_CASE("dns resolver: an upstream lookup that never ends is given up and its slot freed",
          "[dns]") {
  SilentUpstream upstream;
  auto config = loopback_config();
  config.rate_limit_per_source = 0;
  config.upstream.servers = {"127.0.0.1@" + std::to_string(upstream.port)};
  const auto made = make_resolver(config);
  Resolver& resolver = *made;
  const std::uint16_t port = resolver.bound_ports().at(0);
  const Fd a = client_from("127.0.0.2");

  ask_names(a, port, "first", 64);
  upstream.drain(
      [&] {
        return upstream.count_under(
                   "\x05"
                   "first") == 64;
      },
      10000ms);
  REQUIRE(upstream.count_under("\x05"
                               "first") == 64);
  // Every one of them is answered SERVFAIL once the lookup time is over
  // (generous: the limit plus a busy machine).
  int servfails = 0;
  std::uint8_t buffer[512];
  while (servfails < 64 && readable(a.fd, 40000ms)) {
    const auto n = ::recv(a.fd, buffer, sizeof buffer, 0);
    if (n >= static_cast<ssize_t>(kHeaderSize) && (buffer[3] & 0x0f) == rcode::ServFail)
      ++servfails;
  }
  // (Picket's time limit or libunbound's own retries, whichever ends first.)
  CHECK(servfails == 64);
  // The source's budget is whole again: new names go out.
  ask_names(a, port, "second", 64);
  upstream.drain([&] { return upstream.count_under("\x06second") == 64; }, 10000ms);
  CHECK(upstream.count_under("\x06second") == 64);
}
