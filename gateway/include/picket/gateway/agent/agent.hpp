#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "picket/gateway/agent/backoff.hpp"
#include "picket/gateway/agent/state_dir.hpp"
#include "picket/gateway/channel/follower.hpp"
#include "picket/gateway/channel/tls.hpp"
#include "picket/gateway/channel/transport.hpp"
#include "picket/gateway/node.hpp"

// The core of picket-gateway: follow one controller over the channel and
// make the GatewayNode hold what it says, with nothing kept on disk.
namespace picket::gateway::agent {

// Makes the node when the first state arrives (its link's addresses are
// where the resolver listens and what the firewall guards), and again when
// a state or change moves those addresses. Tests give one on FakeBackend.
using NodeFactory = std::function<std::unique_ptr<GatewayNode>(const LinkSettings& link)>;

struct AgentOptions {
  channel::Identity identity;
  ControllerFile controller;
  // No controller message for this long: every peer goes (fail closed).
  std::chrono::milliseconds lease = channel::kDefaultLease;
  Backoff backoff;
  channel::TransportLimits limits;
};

struct AgentHooks {
  NodeFactory make_node;  // required
  // The controller answered the enrol message: the secret may go from disk.
  std::function<void()> enrolled;
  // One line per event, never a peer's key, address or name.
  channel::LogFn info;
  channel::LogFn error;
  // A short summary for systemd's STATUS= (connected, version, peers).
  std::function<void(std::string_view)> status;
};

// Runs on the io_context's thread; every method must be called there (or
// before the io_context runs). Frames the gateway sends, and when:
//   on connecting: enrol (while the controller file holds the secret) or
//     hello, whose "applied" is the version held in memory (none after a
//     start or a lease expiry: nothing is on disk to say otherwise);
//   after each state or change: applied, with the milliseconds it took or
//     the error text;
//   a change whose base is not what it holds: resync, once, then the
//     changes in flight are passed over until the answer;
//   a ping: pong; and every lease / 3 while connected: ping (the pong
//     renews the lease when the controller has nothing else to say).
class Agent {
 public:
  Agent(boost::asio::io_context& io, AgentOptions options, AgentHooks hooks);
  // Stops dialing; leaves the node as it is (stop() takes it down).
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Dials the controller; on failure again after a backoff, for ever.
  void start();
  // Stops dialing and takes the node down: peers, then the interface, then
  // the firewall table. Throws Error when the peers or the interface stay.
  void stop();

  // For tests and the status line.
  GatewayNode* node() const;
  std::optional<std::uint64_t> applied_version() const;
  bool connected() const;
  // The lease ran out and the node holds no peers; false again once the
  // controller's next state is applied.
  bool failed_closed() const;
  std::size_t nodes_built() const;
  // Whether the enrolment secret is still held (and sent on connecting).
  bool enrolling() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace picket::gateway::agent
