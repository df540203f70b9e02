// The channel's TLS and WebSocket layer on loopback (127.0.0.1, a port the
// kernel picks): pins, refusals, frame limits, and a session over it.
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "channel_fixtures.hpp"
#include "picket/gateway/channel/follower.hpp"
#include "picket/gateway/channel/leader.hpp"
#include "picket/gateway/channel/transport.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;
using namespace std::chrono_literals;

namespace {

// Runs the io_context until `done` holds, for at most five seconds.
template <typename Done>
bool run_until(boost::asio::io_context& io, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

struct Log {
  std::vector<std::string> lines;
  LogFn fn() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
  bool has(const std::string& text) const {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  }
};

// A controller-side listener that knows one gateway key.
struct Controller {
  boost::asio::io_context& io;
  Identity identity = Identity::generate();
  std::string known_pin;
  Log log;
  std::vector<std::string> frames;
  std::optional<ConnectionId> connection;
  std::string opened_name, opened_pin, closed_reason;
  bool closed = false;
  TransportLimits limits;
  std::unique_ptr<ChannelServer> server;

  Controller(boost::asio::io_context& context, std::string pin, TransportLimits lim = {},
             std::size_t max_connections = 16, std::size_t max_pending = 64)
      : io(context), known_pin(std::move(pin)), limits(lim) {
    ChannelServerHandlers handlers;
    handlers.accept = [this](const std::string& pin_seen) -> std::optional<std::string> {
      if (pin_seen == known_pin) return "gw-1";
      return std::nullopt;
    };
    handlers.opened = [this](ConnectionId id, const std::string& name,
                             const std::string& pin_seen) {
      connection = id;
      opened_name = name;
      opened_pin = pin_seen;
    };
    handlers.frame = [this](ConnectionId, std::string frame) {
      frames.push_back(std::move(frame));
    };
    handlers.closed = [this](ConnectionId, const std::string& reason) {
      closed = true;
      closed_reason = reason;
    };
    server = std::make_unique<ChannelServer>(
        io,
        ChannelServerOptions{identity, "127.0.0.1", 0, limits, max_connections, log.fn(),
                             max_pending},
        handlers);
  }
};

// Idle TCP connections to the listener from `source` (another loopback
// address than the gateway's 127.0.0.1): connected by the kernel, never a
// byte sent, as a flood holds them.
using Flood = std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>>;
void flood(boost::asio::io_context& io, Flood& into, const std::string& source, std::uint16_t port,
           int count) {
  using boost::asio::ip::make_address;
  using boost::asio::ip::tcp;
  for (int i = 0; i < count; ++i) {
    auto socket = std::make_unique<tcp::socket>(io);
    socket->open(tcp::v4());
    socket->bind(tcp::endpoint(make_address(source), 0));
    socket->connect(tcp::endpoint(make_address("127.0.0.1"), port));
    into.push_back(std::move(socket));
  }
}

std::size_t lines_with(const Log& log, const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(log.lines.begin(), log.lines.end(),
                    [&](const std::string& line) { return line.find(text) != std::string::npos; }));
}

struct Gateway {
  Identity identity = Identity::generate();
  Log log;
  bool connected = false, disconnected = false;
  std::string reason;
  std::vector<std::string> frames;
  std::unique_ptr<ChannelClient> client;

  void dial(boost::asio::io_context& io, std::uint16_t port, const std::string& pin,
            TransportLimits limits = {}) {
    ChannelClientHandlers handlers;
    handlers.connected = [this] { connected = true; };
    handlers.frame = [this](std::string frame) { frames.push_back(std::move(frame)); };
    handlers.disconnected = [this](const std::string& why) {
      disconnected = true;
      reason = why;
    };
    client = std::make_unique<ChannelClient>(
        io, ChannelClientOptions{identity, "127.0.0.1", port, pin, limits, log.fn()}, handlers);
    client->connect();
  }
};

}  // namespace

TEST_CASE("channel identity: pins, and the key file", "[channel]") {
  const Identity one = Identity::generate();
  const Identity two = Identity::generate();
  CHECK(is_pin(one.pin()));
  CHECK(one.pin() != two.pin());
  CHECK(pin_of(one.certificate()) == one.pin());
  CHECK_FALSE(is_pin("not a pin"));
  CHECK_FALSE(is_pin(one.pin() + "A"));

  const auto dir =
      std::filesystem::temp_directory_path() / ("picket-channel-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "channel.key";
  one.save(file);
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(Identity::load(file).pin() == one.pin());
  two.save(file);  // replaces it
  CHECK(Identity::load(file).pin() == two.pin());

  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read);
  CHECK_THROWS_WITH(Identity::load(file), Catch::Contains("chmod 600"));
  {
    std::ofstream garbage(dir / "garbage.key");
    garbage << "not a key\n";
  }
  std::filesystem::permissions(dir / "garbage.key", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
  CHECK_THROWS_WITH(Identity::load(dir / "garbage.key"), Catch::Contains("no PEM private key"));
  CHECK_THROWS_AS(Identity::load(dir / "missing.key"), Error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("channel identity: a seed kept elsewhere gives the same key back", "[channel]") {
  const Identity one = Identity::generate();
  auto seed = one.seed();
  const Identity again = Identity::from_seed(seed);
  CHECK(again.pin() == one.pin());
  CHECK(pin_of(again.certificate()) == one.pin());
  seed[0] ^= 1;
  CHECK(Identity::from_seed(seed).pin() != one.pin());
}

TEST_CASE("channel transport: a client pinning the right key exchanges frames", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  Controller ctl(io, gw.identity.pin());
  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.connected && ctl.connection.has_value(); }));
  CHECK(ctl.opened_name == "gw-1");
  CHECK(ctl.opened_pin == gw.identity.pin());
  CHECK(gw.client->is_connected());

  gw.client->send("from the gateway");
  gw.client->send("and another");
  ctl.server->send(*ctl.connection, "from the controller");
  REQUIRE(run_until(io, [&] { return ctl.frames.size() == 2 && gw.frames.size() == 1; }));
  CHECK(ctl.frames == std::vector<std::string>{"from the gateway", "and another"});
  CHECK(gw.frames[0] == "from the controller");

  gw.client->close();
  REQUIRE(run_until(io, [&] { return ctl.closed && gw.disconnected; }));
  CHECK(ctl.server->connections() == 0);
}

TEST_CASE("channel transport: a client pinning another key refuses the server", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  Controller ctl(io, gw.identity.pin());
  const std::string wrong = Identity::generate().pin();
  gw.dial(io, ctl.server->port(), wrong);
  REQUIRE(run_until(io, [&] { return gw.disconnected; }));
  CHECK_FALSE(gw.connected);
  CHECK_THAT(gw.reason, Catch::Contains("TLS handshake failed"));
  CHECK(gw.log.has("has key pin " + ctl.identity.pin() + ", not the pinned " + wrong));
  run_until(io, [] { return false; });
  CHECK_FALSE(ctl.connection);
}

TEST_CASE("channel transport: a server refusing the client's pin closes it", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  Controller ctl(io, Identity::generate().pin());  // knows some other gateway
  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.disconnected; }));
  // TLS 1.3 clients finish their handshake before the server checks their
  // certificate, so the client may see a connection that ends at once.
  CHECK_FALSE(ctl.connection);
  CHECK(ctl.log.has("refused a connection from key pin " + gw.identity.pin()));
  CHECK(ctl.server->connections() == 0);
}

TEST_CASE("channel transport: a frame over the limit closes the connection", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  TransportLimits small;
  small.max_frame = 1024;
  Controller ctl(io, gw.identity.pin(), small);
  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.connected && ctl.connection.has_value(); }));
  gw.client->send(std::string(1024, 'a'));  // at the limit: fine
  REQUIRE(run_until(io, [&] { return ctl.frames.size() == 1; }));
  gw.client->send(std::string(1025, 'a'));
  REQUIRE(run_until(io, [&] { return ctl.closed && gw.disconnected; }));
  // Beast reports message_too_big, or the TLS error of the teardown that
  // follows it when the sender is still writing the rest.
  CHECK_FALSE(ctl.closed_reason.empty());
  CHECK(ctl.frames.size() == 1);
  // The sender's own limit is checked before anything is sent.
  CHECK_THROWS_AS(ctl.server->send(*ctl.connection, std::string(1025, 'b')), ProtocolError);
}

TEST_CASE("channel transport: a leader brings a follower up to date over TLS", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  Controller ctl(io, gw.identity.pin());
  ChangeLog log(4);
  Leader leader(std::string("gw-1"));
  Follower follower(FollowerOptions{"gw-1", std::nullopt, kDefaultLease},
                    std::chrono::steady_clock::now());
  std::optional<std::uint64_t> acknowledged;

  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.connected && ctl.connection.has_value(); }));
  gw.client->send(follower.connect());
  // Each side's loop: read what arrived, answer, until the state is applied.
  std::size_t controller_read = 0, gateway_read = 0;
  REQUIRE(run_until(io, [&] {
    const auto now = std::chrono::steady_clock::now();
    for (; controller_read < ctl.frames.size(); ++controller_read) {
      const LeaderEvent event = leader.receive(ctl.frames[controller_read], now);
      if (event.kind == LeaderEvent::Kind::applied) acknowledged = event.version;
      for (std::string& frame : leader.catch_up(
               log, [] { return test::channel_state(2); }, now))
        ctl.server->send(*ctl.connection, std::move(frame));
    }
    for (; gateway_read < gw.frames.size(); ++gateway_read) {
      const FollowerStep step = follower.receive(gw.frames[gateway_read], now);
      if (step.action == FollowerStep::Action::apply_state) {
        CHECK(step.state->peers == test::channel_state(2).peers);
        gw.client->send(follower.applied(step.version, 1ms));
      }
    }
    return acknowledged.has_value();
  }));
  CHECK(*acknowledged == 4);
  CHECK(follower.applied_version() == 4u);
  CHECK(leader.delivery(4)->round_trip().has_value());
}

TEST_CASE("channel transport: idle connections from one source cannot shut a gateway out",
          "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  // Room for 16 connections; the flood opens 40 and keeps them idle (the
  // handshake timeout, 10 s, would free them only after this test).
  Controller ctl(io, gw.identity.pin(), {}, 16);
  Flood held;
  flood(io, held, "127.0.0.2", ctl.server->port(), 40);
  run_until(io, [] { return false; });    // the listener takes what it will
  CHECK(ctl.server->connections() == 4);  // the per-source share
  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.connected && ctl.connection.has_value(); }));
  CHECK(ctl.opened_name == "gw-1");
  // 36 refusals, a line or two in the log.
  const std::size_t said = lines_with(ctl.log, "refused a connection");
  CHECK(said >= 1);
  CHECK(said <= 2);
  CHECK(ctl.log.has("more refused or dropped since the last such line") == (said == 2));
  for (const auto& line : ctl.log.lines) CHECK_THAT(line, !Catch::Contains("127.0.0.2"));
}

TEST_CASE("channel transport: a flood from many sources gives way to a gateway", "[channel]") {
  boost::asio::io_context io;
  Gateway gw;
  // At most 8 connections in their handshake, from 20 sources with 2 each.
  Controller ctl(io, gw.identity.pin(), {}, 1024, 8);
  Flood held;
  for (int source = 2; source < 22; ++source)
    flood(io, held, "127.0.0." + std::to_string(source), ctl.server->port(), 2);
  run_until(io, [] { return false; });
  CHECK(ctl.server->connections() == 8);
  // The gateway's connection pushes the oldest idle one out and finishes
  // its handshake long before any idle one would time out.
  gw.dial(io, ctl.server->port(), ctl.identity.pin());
  REQUIRE(run_until(io, [&] { return gw.connected && ctl.connection.has_value(); }));
  CHECK(ctl.server->connections() <= 8);
  CHECK(lines_with(ctl.log, "dropped the oldest of 8 connections") == 1);
}
