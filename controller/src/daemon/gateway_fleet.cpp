#include "daemon/gateway_fleet.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "picket/gateway/error.hpp"
#include "picket/gateway/state_change.hpp"

namespace picket::controller {

namespace channel = gateway::channel;

namespace {

void say(const channel::LogFn& log, const std::string& line) {
  if (log) log(line);
}

// Versions start at a random number, not at 1: a gateway that held
// version N from an earlier run of the controller must not be taken for
// one holding this run's version N (it would never get the changes made
// while it was away). 52 bits: the channel caps counters at 2^53 - 1.
std::uint64_t first_version() {
  std::uint64_t random = 0;
  randombytes_buf(&random, sizeof random);
  return (random & ((1ull << 52) - 1)) | 1;
}

}  // namespace

GatewayFleet::GatewayFleet(FleetOptions options)
    : identity_(std::move(options.identity)),
      answer_timeout_(options.answer_timeout),
      on_enrolled_(std::move(options.on_enrolled)),
      info_(std::move(options.info)),
      error_(std::move(options.error)),
      enrolled_(std::move(options.enrolled)),
      log_(first_version()),
      work_(io_.get_executor()) {
  channel::ChannelServerHandlers handlers;
  handlers.accept = [this](const std::string& pin) -> std::optional<std::string> {
    const std::lock_guard lock(mutex_);
    if (const auto it = enrolled_.find(pin); it != enrolled_.end()) return it->second.name;
    // A key not enrolled yet may only present an enrolment secret.
    if (book_.any_pending(channel::EnrolmentBook::Clock::now())) return std::string();
    say(error_, "refused a gateway with an unknown key (pin " + pin + ")");
    return std::nullopt;
  };
  handlers.opened = [this](channel::ConnectionId id, const std::string& name,
                           const std::string& pin) {
    const std::lock_guard lock(mutex_);
    Connection connection;
    connection.pin = pin;
    connection.leader = std::make_unique<channel::Leader>(
        name.empty() ? std::nullopt : std::optional<std::string>(name));
    connections_[id] = std::move(connection);
  };
  handlers.frame = [this](channel::ConnectionId id, std::string frame) { on_frame(id, frame); };
  handlers.closed = [this](channel::ConnectionId id, const std::string& reason) {
    const std::lock_guard lock(mutex_);
    if (const auto it = connections_.find(id); it != connections_.end()) {
      if (it->second.leader->greeted())
        say(info_, "gateway " + it->second.leader->name() + " disconnected: " + reason);
      connections_.erase(it);
    }
    answered_.notify_all();
  };
  server_ = std::make_unique<channel::ChannelServer>(
      io_,
      channel::ChannelServerOptions{identity_, options.address, options.port, {}, 1024, error_},
      std::move(handlers));
  thread_ = std::thread([this] { io_.run(); });
}

GatewayFleet::~GatewayFleet() {
  // The server goes on its own thread (its handlers lock mutex_), then the
  // thread ends.
  boost::asio::post(io_, [this] {
    server_.reset();
    work_.reset();
  });
  thread_.join();
}

std::uint16_t GatewayFleet::port() const {
  return server_->port();
}

std::uint64_t GatewayFleet::version() const {
  const std::lock_guard lock(mutex_);
  return log_.version();
}

channel::EnrolmentToken GatewayFleet::enrolment_token(const std::string& host,
                                                      const std::string& name,
                                                      const std::string& endpoint,
                                                      std::chrono::seconds lifetime) {
  const std::lock_guard lock(mutex_);
  const auto now = channel::EnrolmentBook::Clock::now();
  book_.prune(now);
  // A promise whose secret expired is dropped with it.
  std::erase_if(promised_, [&](const auto& entry) {
    return std::none_of(book_.pending().begin(), book_.pending().end(),
                        [&](const auto& pending) { return pending.secret == entry.first; });
  });
  const bool enrolled = std::any_of(enrolled_.begin(), enrolled_.end(),
                                    [&](const auto& entry) { return entry.second.name == name; });
  if (enrolled)
    throw gateway::Error("a gateway named " + name +
                         " is enrolled already; pick another name, or remove it first with "
                         "`picket gateway remove " +
                         name + "`");
  // A second token for a name not yet used replaces the first.
  std::erase_if(promised_, [&](const auto& entry) { return entry.second.name == name; });
  auto token = book_.issue(host, server_->port(), identity_.pin(), now + lifetime);
  token.name = name;
  promised_.emplace_back(token.secret,
                         EnrolledGateway{name, endpoint, gateway::generate_private_key()});
  return token;
}

bool GatewayFleet::forget(const std::string& name) {
  const std::lock_guard lock(mutex_);
  std::erase_if(promised_, [&](const auto& entry) { return entry.second.name == name; });
  const auto it = std::find_if(enrolled_.begin(), enrolled_.end(),
                               [&](const auto& entry) { return entry.second.name == name; });
  if (it == enrolled_.end()) return false;
  const std::string pin = it->first;
  enrolled_.erase(it);
  for (auto& [id, connection] : connections_)
    if (connection.pin == pin) server_->close(id);
  say(info_, "gateway " + name + " removed (pin " + pin + "); it can no longer connect");
  answered_.notify_all();
  return true;
}

std::vector<GatewayStatus> GatewayFleet::status() const {
  const std::lock_guard lock(mutex_);
  const auto now = channel::Leader::Clock::now();
  std::vector<GatewayStatus> out;
  for (const auto& [pin, gateway] : enrolled_) {
    GatewayStatus status;
    status.name = gateway.name;
    status.pin = pin;
    status.endpoint = gateway.endpoint;
    status.public_key = gateway::public_key_of(gateway.wireguard_key);
    for (const auto& [id, connection] : connections_) {
      const auto& leader = *connection.leader;
      if (connection.pin != pin || !leader.greeted()) continue;
      status.connected = true;
      status.applied = leader.applied_version();
      status.current = leader.applied_version() == log_.version();
      status.heard_ago =
          std::chrono::duration_cast<std::chrono::seconds>(now - leader.last_heard());
    }
    out.push_back(std::move(status));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::vector<GatewayAnswer> GatewayFleet::last_answers() const {
  const std::lock_guard lock(mutex_);
  return answers_;
}

std::optional<std::vector<GatewayAnswer>> GatewayFleet::take_answers() {
  const std::lock_guard lock(mutex_);
  if (answers_taken_) return std::nullopt;
  answers_taken_ = true;
  return answers_;
}

void GatewayFleet::on_frame(channel::ConnectionId id, const std::string& frame) {
  const std::lock_guard lock(mutex_);
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  auto& connection = it->second;
  channel::LeaderEvent event;
  try {
    event = connection.leader->receive(frame, channel::Leader::Clock::now());
  } catch (const std::exception& e) {
    // Forged, replayed, cut or out of order: nothing of it is used.
    say(error_, "closed a gateway connection (pin " + connection.pin +
                    ") that broke the protocol: " + e.what());
    server_->close(id);
    return;
  }
  if (event.kind == channel::LeaderEvent::Kind::enrol) {
    const auto check = book_.consume(*event.secret, channel::EnrolmentBook::Clock::now());
    const auto promise = std::find_if(promised_.begin(), promised_.end(), [&](const auto& entry) {
      return entry.first == *event.secret;
    });
    if (check != channel::EnrolmentBook::Check::accepted || promise == promised_.end()) {
      say(error_, "refused an enrolment (pin " + connection.pin +
                      "): the token is unknown, used or expired; make a new one with "
                      "`picket gateway add NAME`");
      server_->close(id);
      return;
    }
    const EnrolledGateway gateway = promise->second;
    const std::string& name = gateway.name;
    promised_.erase(promise);
    if (event.name != name)
      say(info_, "gateway asking to be " + event.name + " is enrolled as " + name +
                     ", the name its token was made for");
    enrolled_[connection.pin] = gateway;
    if (on_enrolled_) on_enrolled_(connection.pin, gateway);
    say(info_, "gateway " + name + " enrolled (pin " + connection.pin + ")");
  }
  if (event.kind == channel::LeaderEvent::Kind::hello)
    say(info_, "gateway " + event.name + " connected");
  if (event.kind == channel::LeaderEvent::Kind::stats && event.stats->id == stats_round_)
    live_[connection.pin] = std::move(event.stats->peers);
  if (event.kind == channel::LeaderEvent::Kind::failed)
    say(error_, "gateway " + connection.leader->name() + " could not apply version " +
                    std::to_string(event.version.value_or(0)) + ": " + event.error.value_or(""));
  if (event.reply) server_->send(id, *event.reply);
  catch_up_locked(id, connection);
  answered_.notify_all();
}

void GatewayFleet::catch_up_locked(channel::ConnectionId id, Connection& connection) {
  // The whole state carries this gateway's own key, not the controller's,
  // and, like each change, only the peers assigned to this gateway.
  const auto it = enrolled_.find(connection.pin);
  const std::string name = it != enrolled_.end() ? it->second.name : std::string();
  const auto whole_state = [&] {
    auto state = gateway::for_host(state_, name);
    if (it != enrolled_.end()) state.private_key = it->second.wireguard_key;
    return state;
  };
  const auto for_this_gateway = [&](const gateway::GatewayChange& change) {
    return gateway::for_host(change, name);
  };
  for (auto& frame : connection.leader->catch_up(log_, whole_state, channel::Leader::Clock::now(),
                                                 for_this_gateway))
    server_->send(id, std::move(frame));
}

void GatewayFleet::drive_locked(std::unique_lock<std::mutex>& lock, std::uint64_t version) {
  for (auto& [id, connection] : connections_)
    if (connection.leader->greeted()) catch_up_locked(id, connection);
  // Every gateway connected now must answer `version` (or go). One that
  // has left an earlier version unanswered for a whole timeout is not
  // waited for again (a link that died without a FIN looks connected until
  // TCP gives up): it is reported unreachable at once, and catches up when
  // it answers again.
  const auto started = channel::Leader::Clock::now();
  const auto stuck = [&](const channel::Leader& leader) {
    for (const auto& delivery : leader.deliveries())
      if (delivery.version < version && delivery.outstanding() &&
          started - delivery.sent_at >= answer_timeout_)
        return true;
    return false;
  };
  const auto settled = [&] {
    for (const auto& [id, connection] : connections_) {
      const auto& leader = *connection.leader;
      if (!leader.greeted() || stuck(leader)) continue;
      const auto* delivery = leader.delivery(version);
      if (delivery == nullptr || delivery->outstanding()) return false;
    }
    return true;
  };
  answered_.wait_for(lock, answer_timeout_, settled);

  answers_.clear();
  answers_taken_ = false;
  for (const auto& [pin, gateway] : enrolled_) {
    GatewayAnswer answer;
    answer.name = gateway.name;
    for (const auto& [id, connection] : connections_) {
      if (connection.pin != pin || !connection.leader->greeted()) continue;
      const auto* delivery = connection.leader->delivery(version);
      if (delivery == nullptr || delivery->outstanding()) break;
      answer.took = delivery->round_trip().value_or(std::chrono::milliseconds(0));
      if (delivery->error) {
        answer.outcome = GatewayAnswer::Outcome::failed;
        answer.error = *delivery->error;
      } else if (!delivery->skipped) {
        answer.outcome = GatewayAnswer::Outcome::applied;
      }
    }
    answers_.push_back(std::move(answer));
  }
}

gateway::NodeReport GatewayFleet::apply(const gateway::GatewayState& state) {
  std::unique_lock lock(mutex_);
  if (torn_down_) throw gateway::Error("the gateways were torn down; restart picketd");
  gateway::NodeReport report;
  report.peers = state.peers.size();
  // The drift timer applies the whole state every minute: unchanged, it is
  // not sent again.
  const bool same = log_.version() > 0 && state.peers == state_.peers &&
                    state.private_key == state_.private_key &&
                    state.listen_port == state_.listen_port && state.link == state_.link &&
                    state.member_to_member == state_.member_to_member && state.dns == state_.dns;
  if (same) return report;
  state_ = state;
  log_.reset(log_.version() + 1);
  drive_locked(lock, log_.version());
  return report;
}

void GatewayFleet::apply(const gateway::GatewayChange& change) {
  std::unique_lock lock(mutex_);
  if (torn_down_) throw gateway::Error("the gateways were torn down; restart picketd");
  state_ = gateway::with_change(std::move(state_), change);
  drive_locked(lock, log_.append(change));
}

void GatewayFleet::rotate_key(const gateway::SecretKey&) {
  throw gateway::Error(
      "each gateway host has a WireGuard key of its own: to give one a new key, remove it "
      "(`picket gateway remove NAME`), enrol it again and reissue the devices that use it");
}

std::optional<std::vector<GatewayEndpoint>> GatewayFleet::client_endpoints() const {
  const std::lock_guard lock(mutex_);
  std::vector<GatewayEndpoint> out;
  for (const auto& [pin, gateway] : enrolled_)
    if (!gateway.endpoint.empty())
      out.push_back(
          {gateway.name, gateway.endpoint, gateway::public_key_of(gateway.wireguard_key)});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

void GatewayFleet::teardown() {
  std::unique_lock lock(mutex_);
  if (torn_down_) return;
  state_.peers.clear();
  log_.reset(log_.version() + 1);
  drive_locked(lock, log_.version());
  torn_down_ = true;
}

gateway::DeviceSnapshot GatewayFleet::read() {
  const std::lock_guard one_read(read_mutex_);
  std::unique_lock lock(mutex_);
  const auto round = ++stats_round_;
  live_.clear();
  std::map<std::string, std::string> asked;  // pin -> name
  for (auto& [id, connection] : connections_) {
    if (!connection.leader->greeted()) continue;
    server_->send(id, connection.leader->ask_stats(round));
    asked[connection.pin] = connection.leader->name();
  }
  const auto connected = [&](const std::string& pin) {
    return std::any_of(connections_.begin(), connections_.end(), [&](const auto& entry) {
      return entry.second.pin == pin && entry.second.leader->greeted();
    });
  };
  answered_.wait_for(lock, std::min(answer_timeout_, kStatsWait), [&] {
    return std::all_of(asked.begin(), asked.end(), [&](const auto& entry) {
      return live_.count(entry.first) > 0 || !connected(entry.first);
    });
  });

  // Only peers the controller wants count: a gateway cannot make up devices.
  std::map<gateway::Key, gateway::PeerStats> merged;
  for (const auto& peer : state_.peers) merged[peer.wireguard.public_key];
  by_gateway_.clear();
  for (const auto& [pin, peers] : live_) {
    const auto name = asked.count(pin) ? asked.at(pin) : std::string();
    for (const auto& peer : peers) {
      const auto it = merged.find(peer.public_key);
      if (it == merged.end()) continue;
      auto& stats = it->second;
      stats.last_handshake_unix = std::max(stats.last_handshake_unix, peer.last_handshake_unix);
      stats.rx_bytes += peer.rx_bytes;
      stats.tx_bytes += peer.tx_bytes;
      by_gateway_[peer.public_key].push_back(
          {name, peer.last_handshake_unix, peer.rx_bytes, peer.tx_bytes});
    }
  }
  for (auto& [key, gateways] : by_gateway_)
    std::sort(gateways.begin(), gateways.end(), [](const auto& a, const auto& b) {
      return a.last_handshake_unix > b.last_handshake_unix;
    });
  live_.clear();

  gateway::DeviceSnapshot snapshot;
  snapshot.private_key = state_.private_key;
  snapshot.listen_port = state_.listen_port;
  for (const auto& peer : state_.peers)
    snapshot.peers.push_back({peer.wireguard, merged[peer.wireguard.public_key]});
  return snapshot;
}

std::map<gateway::Key, std::vector<GatewayPeerStats>> GatewayFleet::read_by_gateway() {
  const std::lock_guard lock(mutex_);
  return by_gateway_;
}

}  // namespace picket::controller
