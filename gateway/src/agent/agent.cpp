#include "picket/gateway/agent/agent.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <random>
#include <string>
#include <utility>

#include "picket/gateway/error.hpp"
#include "picket/gateway/state_change.hpp"

namespace picket::gateway::agent {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

std::string seconds_text(milliseconds span) {
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(span).count();
  if (whole > 0 && span.count() % 1000 == 0) return std::to_string(whole) + " s";
  return std::to_string(span.count()) + " ms";
}

std::string version_text(const std::optional<std::uint64_t>& version) {
  return version ? "version " + std::to_string(*version) : std::string("nothing");
}

std::string counts(const NodeReport& report) {
  return std::to_string(report.peers) + " peers (" + std::to_string(report.wireguard.added) +
         " added, " + std::to_string(report.wireguard.updated) + " updated, " +
         std::to_string(report.wireguard.removed) + " removed)";
}

}  // namespace

struct Agent::Impl : std::enable_shared_from_this<Agent::Impl> {
  Impl(asio::io_context& context, AgentOptions opts, AgentHooks hs)
      : io(context),
        options(std::move(opts)),
        hooks(std::move(hs)),
        follower(channel::FollowerOptions{options.controller.name, std::nullopt, options.lease},
                 Clock::now()),
        retry_timer(context),
        tick_timer(context),
        random(std::random_device{}()) {
    if (!hooks.make_node) throw Error("the gateway agent needs a node factory");
    // A third of the lease: two pings may go unanswered before it runs out.
    ping_every = std::max(milliseconds(100), options.lease / 3);
    tick_every = std::clamp(options.lease / 10, milliseconds(50), milliseconds(1000));
  }

  void info(const std::string& line) const {
    if (hooks.info) hooks.info(line);
  }
  void error(const std::string& line) const {
    if (hooks.error) hooks.error(line);
  }
  void status(const std::string& line) const {
    if (hooks.status) hooks.status(line);
  }

  std::string where() const {
    return "the controller at " + options.controller.host + " port " +
           std::to_string(options.controller.port);
  }

  void start() {
    const std::weak_ptr<Impl> weak = weak_from_this();
    channel::ChannelClientHandlers handlers;
    handlers.connected = [weak] {
      if (const auto self = weak.lock()) self->on_connected();
    };
    handlers.frame = [weak](std::string frame) {
      if (const auto self = weak.lock()) self->on_frame(frame);
    };
    handlers.disconnected = [weak](const std::string& reason) {
      if (const auto self = weak.lock()) self->on_disconnected(reason);
    };
    client = std::make_unique<channel::ChannelClient>(
        io,
        channel::ChannelClientOptions{options.identity, options.controller.host,
                                      options.controller.port, options.controller.pin,
                                      options.limits, hooks.info},
        std::move(handlers));
    info("dialing " + where() + " (key pin " + options.controller.pin + ") as gateway '" +
         options.controller.name + "', key pin " + options.identity.pin());
    status("dialing the controller");
    client->connect();
    tick();
  }

  void stop() {
    stopped = true;
    retry_timer.cancel();
    tick_timer.cancel();
    client.reset();  // no handler runs afterwards
    connected = false;
    held.reset();
    // Kept (torn down, refusing apply) until the agent goes, for whoever asks.
    if (node && !node->torn_down()) {
      node->teardown();
      info("stopped: peers, interface and firewall table removed");
    }
  }

  void send(std::string frame) {
    if (client && connected && !closing) client->send(std::move(frame));
  }

  void on_connected() {
    if (stopped) return;
    connected = true;
    closing = false;
    heard = false;
    enrolling_now = options.controller.enrolment_secret.has_value() && !try_hello;
    send(follower.connect(enrolling_now ? options.controller.enrolment_secret : std::nullopt));
    next_ping = Clock::now() + ping_every;
    last_answer = Clock::now();
    info("connected to " + where() + "; sent " +
         (enrolling_now ? "enrol as '" + options.controller.name + "'"
                        : "hello holding " + version_text(follower.applied_version())));
  }

  void on_disconnected(const std::string& reason) {
    if (stopped) return;
    const bool was_connected = connected;
    connected = false;
    if (options.controller.enrolment_secret && was_connected && !heard) {
      if (enrolling_now)
        error(
            "the controller closed the connection without answering the enrolment: a used or "
            "expired token is refused that way (make a new token on the controller and run "
            "picket-gateway enrol --force TOKEN); trying hello next, in case it did admit this "
            "key");
      // Alternate: if an earlier run enrolled but died before forgetting
      // the secret, the controller now expects hello from this key.
      try_hello = !try_hello;
    }
    const milliseconds wait = backoff_delay(options.backoff, attempt++,
                                            std::uniform_real_distribution<double>(0, 1)(random));
    info((was_connected ? "connection to " + where() + " ended: "
                        : "cannot reach " + where() + ": ") +
         reason + "; dialing again in " + std::to_string(wait.count()) + " ms");
    status(held ? "controller unreachable; serving " + version_text(follower.applied_version()) +
                      " until the lease ends"
                : "controller unreachable; nothing to serve yet");
    retry_timer.expires_after(wait);
    retry_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (const auto self = weak.lock(); self && !self->stopped) self->client->connect();
    });
  }

  void on_frame(const std::string& frame) {
    if (stopped || !connected || closing) return;
    channel::FollowerStep step;
    try {
      step = follower.receive(frame, Clock::now());
    } catch (const channel::ProtocolError& e) {
      // Its field names only, never its values: safe to log.
      error(std::string("the controller sent a frame that breaks the protocol (") + e.what() +
            "); reconnecting");
      close_connection();
      return;
    }
    last_answer = Clock::now();
    if (!heard) first_answer();
    switch (step.action) {
      case channel::FollowerStep::Action::apply_state:
        apply_state(step);
        break;
      case channel::FollowerStep::Action::apply_change:
        apply_change(step);
        break;
      case channel::FollowerStep::Action::resync:
        info("change version " + std::to_string(step.version) + " does not follow " +
             version_text(follower.applied_version()) +
             " held here; asked the controller for what is missing");
        send(std::move(*step.reply));
        break;
      case channel::FollowerStep::Action::pong:
        send(std::move(*step.reply));
        break;
      case channel::FollowerStep::Action::report_stats:
        report_stats(step.stats_id);
        break;
      case channel::FollowerStep::Action::none:
        break;
    }
  }

  // Handshake times and counters for the controller's status, read live
  // from the interface; endpoints are left out (live_peers). Nothing yet
  // (no node, or a read that failed) answers with no peers.
  void report_stats(std::uint64_t id) {
    std::vector<channel::PeerLive> peers;
    if (node) {
      try {
        peers = channel::live_peers(node->read());
      } catch (const std::exception& e) {
        error(std::string("could not read the interface's figures: ") + e.what());
      }
    }
    send(follower.stats(id, std::move(peers)));
  }

  // The controller answered on this connection: it knows this key.
  void first_answer() {
    heard = true;
    attempt = 0;
    try_hello = false;
    if (!options.controller.enrolment_secret) return;
    options.controller.enrolment_secret.reset();
    try {
      if (hooks.enrolled) hooks.enrolled();
      info("enrolled as '" + options.controller.name +
           "'; the enrolment secret is deleted, the channel key and the controller's address and "
           "pin stay");
    } catch (const std::exception& e) {
      error(std::string("enrolled, but the enrolment secret could not be deleted: ") + e.what() +
            "; it is useless now (the controller takes each once), delete the "
            "enrolment_secret line by hand");
    }
  }

  // Builds the node for `link`, or builds it again when its addresses moved
  // (the resolver listens on them).
  void ensure_node(const LinkSettings& link) {
    if (node && node_addresses == link.addresses) return;
    if (node) {
      info("the interface's addresses changed: taking the node down and up again");
      node->teardown();
      node.reset();
    }
    node = hooks.make_node(link);
    node_addresses = link.addresses;
    ++built;
  }

  void apply_state(channel::FollowerStep& step) {
    const auto started = Clock::now();
    std::optional<std::string> failure;
    NodeReport report;
    try {
      // Held before it is applied: a lease that ends after a half-applied
      // state must still drop every peer it may have put.
      held = std::move(*step.state);
      ensure_node(held->link);
      report = node->apply(*held);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    answer(step.version, started, failure, "state", counts(report));
  }

  void apply_change(channel::FollowerStep& step) {
    const auto started = Clock::now();
    std::optional<std::string> failure;
    try {
      if (!node || !held) throw Error("this gateway holds no state to apply a change to");
      // Moved through, not copied: a copy of 10,000 peers per change made a
      // gateway's apply grow with the peers it holds.
      held = with_change(std::move(*held), *step.change);
      if (held->link.addresses != node_addresses) {
        ensure_node(held->link);
        node->apply(*held);
      } else {
        node->apply(*step.change);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
    answer(step.version, started, failure, "change",
           std::to_string(held ? held->peers.size() : 0) + " peers");
  }

  void answer(std::uint64_t version, Clock::time_point started,
              const std::optional<std::string>& failure, const char* what,
              const std::string& summary) {
    const milliseconds took = since(started);
    if (failure) {
      // GatewayNode's messages name no key and no address.
      error(std::string("applying ") + what + " version " + std::to_string(version) +
            " failed: " + *failure + "; the controller will send the whole state");
      send(follower.failed(version, took, *failure));
      status("applying version " + std::to_string(version) + " failed; waiting for the state");
      return;
    }
    send(follower.applied(version, took));
    info(std::string("applied ") + what + " version " + std::to_string(version) + ": " + summary +
         " in " + std::to_string(took.count()) + " ms");
    if (closed_by_lease) {
      closed_by_lease = false;
      info("the controller is back: peers served again");
    }
    status("serving version " + std::to_string(version) + " (" +
           std::to_string(held ? held->peers.size() : 0) + " peers)");
  }

  void tick() {
    const auto now = Clock::now();
    if (follower.expired(now)) fail_closed();
    // The lease guards the peers; this guards the connection: after a
    // lease expiry the follower waits for no one, and a controller that
    // took the connection but never answers on it would hold the gateway
    // closed for ever. Dial afresh (hello holding what memory holds).
    if (connected && !closing && now - last_answer >= options.lease) {
      info("no answer from the controller on this connection for " + seconds_text(options.lease) +
           "; dialing again");
      close_connection();
    } else if (connected && !closing && now >= next_ping) {
      send(follower.ping());
      next_ping = now + ping_every;
    }
    tick_timer.expires_after(tick_every);
    tick_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (const auto self = weak.lock(); self && !self->stopped) self->tick();
    });
  }

  // What is still queued or in flight on it is dropped: the follower's
  // numbering cannot go on with it. The close handshake may take a while
  // against a controller that hangs; disconnected() redials after it.
  void close_connection() {
    closing = true;
    client->close();
  }

  void fail_closed() {
    follower.closed();
    if (node && held) {
      info("lease expired: no word from the controller for " + seconds_text(options.lease) +
           "; every peer dropped (fail closed) until it is back");
      // Only the fail-closed state stays in memory: no peer is kept.
      held = channel::fail_closed(std::move(*held));
      try {
        node->apply(*held);
      } catch (const std::exception& e) {
        error(std::string("dropping the peers failed (") + e.what() +
              "); taking the interface down instead");
        try {
          node->teardown();
        } catch (const std::exception& down) {
          error(std::string("taking the interface down failed too: ") + down.what());
        }
        node.reset();
        held.reset();
      }
      closed_by_lease = true;
      status("lease expired: no peers until the controller is back");
    }
  }

  asio::io_context& io;
  AgentOptions options;
  AgentHooks hooks;
  channel::Follower follower;
  std::unique_ptr<channel::ChannelClient> client;
  asio::steady_timer retry_timer;
  asio::steady_timer tick_timer;
  std::mt19937_64 random;
  milliseconds ping_every{};
  milliseconds tick_every{};
  Clock::time_point next_ping{};
  Clock::time_point last_answer{};  // connected, or the controller's last frame
  unsigned attempt = 0;
  bool connected = false;
  bool closing = false;        // closed by this side, waiting for disconnected()
  bool heard = false;          // the controller answered on this connection
  bool enrolling_now = false;  // this connection opened with enrol
  bool try_hello = false;
  bool stopped = false;
  bool closed_by_lease = false;
  // What the controller wants the node to hold; memory only.
  std::optional<GatewayState> held;
  std::unique_ptr<GatewayNode> node;
  std::vector<Cidr> node_addresses;
  std::size_t built = 0;
};

Agent::Agent(asio::io_context& io, AgentOptions options, AgentHooks hooks)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(hooks))) {}

Agent::~Agent() {
  impl_->stopped = true;
  impl_->retry_timer.cancel();
  impl_->tick_timer.cancel();
  impl_->client.reset();
}

void Agent::start() {
  impl_->start();
}

void Agent::stop() {
  impl_->stop();
}

GatewayNode* Agent::node() const {
  return impl_->node.get();
}

std::optional<std::uint64_t> Agent::applied_version() const {
  return impl_->follower.applied_version();
}

bool Agent::connected() const {
  return impl_->connected;
}

bool Agent::failed_closed() const {
  return impl_->closed_by_lease;
}

std::size_t Agent::nodes_built() const {
  return impl_->built;
}

bool Agent::enrolling() const {
  return impl_->options.controller.enrolment_secret.has_value();
}

}  // namespace picket::gateway::agent
