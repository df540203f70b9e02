#pragma once

// A controller in the same process (a ChannelServer on 127.0.0.1 with one
// Leader per connection) and a picket-gateway agent on FakeBackend, for
// the [agent] tests.

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "channel_fixtures.hpp"
#include "picket/gateway/agent/agent.hpp"
#include "picket/gateway/channel/enrolment.hpp"
#include "picket/gateway/channel/leader.hpp"
#include "picket/gateway/channel/transport.hpp"
#include "picket/gateway/fake_backend.hpp"
#include "picket/gateway/state_change.hpp"

namespace picket::gateway::test {

using namespace std::chrono_literals;

// Runs the io_context until `done` holds, for at most `limit`.
template <typename Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

// Runs it for a while, for "nothing happens" checks.
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds span) {
  run_until(
      io, [] { return false; }, span);
}

// What the controller sends: peers with names and scopes, no DNS settings
// (the fake node has no resolver).
inline GatewayState agent_state(unsigned first, unsigned count) {
  GatewayState state = channel_state(0);
  state.dns.reset();
  for (unsigned n = first; n < first + count; ++n) state.peers.push_back(channel_peer(n));
  return state;
}

inline std::vector<std::string> keys_of(const std::vector<NodePeer>& peers) {
  std::vector<std::string> out;
  for (const auto& peer : peers) out.push_back(peer.wireguard.public_key.base64());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> keys_of(const DeviceSnapshot& snapshot) {
  std::vector<std::string> out;
  for (const auto& peer : snapshot.peers) out.push_back(peer.config.public_key.base64());
  std::sort(out.begin(), out.end());
  return out;
}

// Every piece of member data in `state`, as text that could leak.
inline std::vector<std::string> member_data(const GatewayState& state) {
  std::vector<std::string> out{state.private_key.base64()};
  for (const auto& peer : state.peers) {
    out.push_back(peer.wireguard.public_key.base64());
    if (peer.wireguard.preshared_key) out.push_back(peer.wireguard.preshared_key->base64());
    for (const auto& ip : peer.wireguard.allowed_ips) out.push_back(ip.address.str());
    if (!peer.dns_name.empty()) out.push_back(peer.dns_name);
  }
  return out;
}

class FakeController {
 public:
  explicit FakeController(boost::asio::io_context& context) : io_(context) {
    channel::ChannelServerHandlers handlers;
    handlers.accept = [this](const std::string& pin) -> std::optional<std::string> {
      if (down) return std::nullopt;
      if (const auto it = known.find(pin); it != known.end()) return it->second;
      if (book.any_pending(std::chrono::system_clock::now())) return std::string();
      return std::nullopt;
    };
    handlers.opened = [this](channel::ConnectionId id, const std::string& name,
                             const std::string& pin) {
      Connection connection;
      connection.pin = pin;
      connection.leader = std::make_unique<channel::Leader>(
          name.empty() ? std::nullopt : std::optional<std::string>(name));
      connections_[id] = std::move(connection);
      ++opened;
    };
    handlers.frame = [this](channel::ConnectionId id, std::string frame) {
      on_frame(id, std::move(frame));
    };
    handlers.closed = [this](channel::ConnectionId id, const std::string&) {
      connections_.erase(id);
    };
    server = std::make_unique<channel::ChannelServer>(
        io_, channel::ChannelServerOptions{identity, "127.0.0.1", 0, {}, 16, {}}, handlers);
  }

  std::uint16_t port() const { return server->port(); }

  // The controller's state moves on by a change; every gateway follows.
  std::uint64_t push(const GatewayChange& change) {
    state = gateway::with_change(state, change);
    const auto version = log.append(change);
    catch_up_all();
    return version;
  }
  void replace(GatewayState next) {
    state = std::move(next);
    log.reset(log.version() + 1);
    catch_up_all();
  }

  // A controller that is gone: connections closed, new ones refused.
  void go_down() {
    down = true;
    for (const auto& [id, connection] : connections_) server->close(id);
  }

  void send_raw(std::string frame) {
    for (const auto& [id, connection] : connections_) server->send(id, frame);
  }

  std::size_t count(channel::LeaderEvent::Kind kind) const {
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(), [&](const auto& event) { return event.kind == kind; }));
  }
  const channel::LeaderEvent* last(channel::LeaderEvent::Kind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->kind == kind) return &*it;
    return nullptr;
  }
  bool acknowledged(std::uint64_t version) const {
    return std::any_of(events.begin(), events.end(), [&](const channel::LeaderEvent& event) {
      return event.kind == channel::LeaderEvent::Kind::applied && event.version == version;
    });
  }
  std::size_t connections() const { return connections_.size(); }

  channel::Identity identity = channel::Identity::generate();
  channel::EnrolmentBook book;
  std::map<std::string, std::string> known;  // gateway pin -> name
  channel::ChangeLog log{1};
  GatewayState state = agent_state(0, 3);
  bool down = false;
  bool deaf = false;  // takes connections, reads nothing, answers nothing
  // Raw: the gateway's frames are kept as they came and nothing is sent
  // unless the test sends it (for frames a Leader would never make).
  bool raw = false;
  std::vector<std::string> raw_frames;
  std::vector<channel::LeaderEvent> events;
  std::size_t opened = 0;
  std::unique_ptr<channel::ChannelServer> server;

 private:
  struct Connection {
    std::string pin;
    std::unique_ptr<channel::Leader> leader;
  };

  void on_frame(channel::ConnectionId id, std::string frame) {
    if (down) return;
    // A connection that lost a frame to deafness stays deaf: its sequence
    // numbers can never line up again.
    if (deaf) deafened_.insert(id);
    if (deafened_.contains(id)) return;
    if (raw) {
      raw_frames.push_back(std::move(frame));
      return;
    }
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    const auto now = std::chrono::steady_clock::now();
    channel::LeaderEvent event;
    try {
      event = it->second.leader->receive(frame, now);
    } catch (const channel::ProtocolError& e) {
      FAIL_CHECK("the controller refused a gateway frame: " << e.what());
      server->close(id);
      return;
    }
    if (event.kind == channel::LeaderEvent::Kind::enrol) {
      if (book.consume(*event.secret, std::chrono::system_clock::now()) !=
          channel::EnrolmentBook::Check::accepted) {
        events.push_back(event);
        server->close(id);
        return;
      }
      known[it->second.pin] = event.name;
    }
    if (event.reply) server->send(id, *event.reply);
    events.push_back(std::move(event));
    catch_up(id, *it->second.leader);
  }

  void catch_up(channel::ConnectionId id, channel::Leader& leader) {
    for (std::string& frame : leader.catch_up(
             log, [this] { return state; }, std::chrono::steady_clock::now()))
      server->send(id, std::move(frame));
  }
  void catch_up_all() {
    for (auto& [id, connection] : connections_) catch_up(id, *connection.leader);
  }

  boost::asio::io_context& io_;
  std::map<channel::ConnectionId, Connection> connections_;
  std::set<channel::ConnectionId> deafened_;
};

// picket-gateway's core on a FakeBackend node.
class TestGateway {
 public:
  TestGateway(boost::asio::io_context& context, agent::ControllerFile controller,
              channel::Identity id = channel::Identity::generate(),
              std::chrono::milliseconds lease = channel::kDefaultLease)
      : identity(std::move(id)) {
    agent::AgentHooks hooks;
    hooks.make_node = [this](const LinkSettings&) {
      auto backend = std::make_unique<FakeBackend>("fakegw0");
      fake = backend.get();
      NodeOptions options;
      options.backend = std::move(backend);
      return std::make_unique<GatewayNode>(std::move(options));
    };
    hooks.enrolled = [this] {
      ++enrolled;
      if (on_enrolled) on_enrolled();
    };
    hooks.info = [this](std::string_view line) { lines.emplace_back(line); };
    hooks.error = [this](std::string_view line) { lines.emplace_back(line); };
    agent::AgentOptions options{identity, std::move(controller), lease, {}, {}};
    options.backoff = agent::Backoff{50ms, 200ms};
    agent = std::make_unique<agent::Agent>(context, std::move(options), std::move(hooks));
    agent->start();
  }

  std::vector<std::string> peer_keys() const {
    return fake == nullptr ? std::vector<std::string>{} : keys_of(fake->state());
  }
  std::size_t lines_with(const std::string& text) const {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
      return l.find(text) != std::string::npos;
    }));
  }
  // No line the agent logged names any member data of `state`.
  void check_logs_clean(const GatewayState& state) const {
    for (const auto& item : member_data(state))
      for (const auto& line : lines) CHECK(line.find(item) == std::string::npos);
  }

  channel::Identity identity;
  FakeBackend* fake = nullptr;  // of the node built last
  std::vector<std::string> lines;
  int enrolled = 0;
  std::function<void()> on_enrolled;
  std::unique_ptr<agent::Agent> agent;
};

// The controller file of a gateway the controller knows already.
inline agent::ControllerFile known_to(FakeController& controller) {
  return agent::ControllerFile{"127.0.0.1", controller.port(), controller.identity.pin(), "gw-1",
                               std::nullopt};
}

}  // namespace picket::gateway::test
