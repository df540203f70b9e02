#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/gateway_link.hpp"
#include "picket/gateway/channel/enrolment.hpp"
#include "picket/gateway/channel/leader.hpp"
#include "picket/gateway/channel/tls.hpp"
#include "picket/gateway/channel/transport.hpp"

namespace picket::controller {

// An enrolled gateway host: its name, where members dial it, and its own
// WireGuard key, which it gets in every whole state and keeps in memory
// only (a seized gateway gives away its own key, no other).
struct EnrolledGateway {
  std::string name;
  std::string endpoint;  // host:port; empty: enrolled before it had one
  gateway::SecretKey wireguard_key;
};

// An enrolled gateway as the controller sees it now.
struct GatewayStatus {
  std::string name;
  std::string pin;
  std::string endpoint;
  gateway::Key public_key;
  bool connected = false;                // greeted on a live connection
  std::optional<std::uint64_t> applied;  // the version it last acknowledged
  bool current = false;                  // it holds the controller's version
  std::optional<std::chrono::seconds> heard_ago;
};

struct FleetOptions {
  gateway::channel::Identity identity = gateway::channel::Identity::generate();
  std::string address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: any (see port())
  // How long a change waits for the connected gateways' answers; one that
  // has not answered by then is reported unreachable.
  std::chrono::milliseconds answer_timeout{5000};
  // Every enrolled gateway, by the pin of its channel key.
  std::map<std::string, EnrolledGateway> enrolled;
  // A gateway has just enrolled: keep it under its pin. Called on the
  // channel's thread with the fleet's lock held: hand the work to the
  // thread that owns the store, and call nothing of the fleet.
  std::function<void(const std::string& pin, const EnrolledGateway& gateway)> on_enrolled;
  gateway::channel::LogFn info;
  gateway::channel::LogFn error;
};

// The data plane as gateways on other hosts: a GatewayLink that holds the
// whole desired state in memory, numbers every change, and drives each
// connected gateway (picket-gateway) over the channel: the whole state on
// connect, then the changes it misses. A change returns once every
// connected gateway has answered it (or answer_timeout has passed), and
// last_answers() says per gateway: applied in N ms, failed, or unreachable.
// A gateway that is not connected catches up when it connects; one cut off
// for longer than its lease has already dropped every peer.
//
// The channel runs on a thread of its own; every method may be called from
// any one other thread (picketd's API thread).
class GatewayFleet : public GatewayLink {
 public:
  // Throws when it cannot listen.
  explicit GatewayFleet(FleetOptions options);
  ~GatewayFleet() override;
  GatewayFleet(const GatewayFleet&) = delete;
  GatewayFleet& operator=(const GatewayFleet&) = delete;

  std::uint16_t port() const;
  const std::string& pin() const { return identity_.pin(); }
  // A one-time token for `picket-gateway enrol`, naming this controller as
  // `host` (the address gateways dial) and valid for `lifetime`; the
  // gateway that uses it is enrolled as `name`, whatever it asks for, with
  // `endpoint` for members to dial and a WireGuard key made now.
  // Throws gateway::Error when the name is enrolled already.
  gateway::channel::EnrolmentToken enrolment_token(const std::string& host, const std::string& name,
                                                   const std::string& endpoint,
                                                   std::chrono::seconds lifetime);
  // The gateway with this name may no longer connect (a seized host): its
  // connection is closed now. False when no gateway has that name.
  bool forget(const std::string& name);
  std::vector<GatewayStatus> status() const;
  // Every enrolled gateway's answer to the last apply(), by name.
  std::vector<GatewayAnswer> last_answers() const;
  std::optional<std::vector<GatewayAnswer>> take_answers() override;
  // The version the gateways are driven to.
  std::uint64_t version() const;

  gateway::NodeReport apply(const gateway::GatewayState& state) override;
  void apply(const gateway::GatewayChange& change) override;
  // Refuses: each gateway has a key of its own (remove and enrol one again
  // for a new key).
  void rotate_key(const gateway::SecretKey& next) override;
  // Every gateway drops every peer now (a wipe, a burn); afterwards apply()
  // refuses. An ordinary controller stop does not call it: gateways keep
  // serving until their lease ends.
  void teardown() override;
  // The peers as wanted, with the live figures the connected gateways
  // report when asked now (each waited for up to kStatsWait; one that does
  // not answer adds nothing): a device's latest handshake on any gateway
  // and its counters summed over them. Held in memory until the next read.
  gateway::DeviceSnapshot read() override;
  std::map<gateway::Key, std::vector<GatewayPeerStats>> read_by_gateway() override;
  static constexpr std::chrono::milliseconds kStatsWait{1500};
  bool has_firewall() const override { return true; }
  bool has_resolver() const override { return true; }
  gateway::BlocklistSummary reload_blocklists() override { return {}; }
  gateway::BlocklistSummary blocklists() const override { return {}; }
  gateway::dns::ResolverStats dns_stats() const override { return {}; }
  bool dns_over_tls_available() const override { return false; }
  // The enrolled gateways that have an endpoint, by name.
  std::optional<std::vector<GatewayEndpoint>> client_endpoints() const override;

 private:
  struct Connection {
    std::string pin;
    std::unique_ptr<gateway::channel::Leader> leader;
  };
  void on_frame(gateway::channel::ConnectionId id, const std::string& frame);
  void catch_up_locked(gateway::channel::ConnectionId id, Connection& connection);
  // Sends what each gateway misses and waits for the answers to `version`.
  void drive_locked(std::unique_lock<std::mutex>& lock, std::uint64_t version);

  gateway::channel::Identity identity_;
  std::chrono::milliseconds answer_timeout_;
  std::function<void(const std::string&, const EnrolledGateway&)> on_enrolled_;
  gateway::channel::LogFn info_;
  gateway::channel::LogFn error_;

  mutable std::mutex mutex_;
  std::condition_variable answered_;
  std::map<std::string, EnrolledGateway> enrolled_;  // by pin
  gateway::channel::EnrolmentBook book_;
  // What tokens not yet used promise, each under its secret.
  std::vector<std::pair<gateway::SecretKey, EnrolledGateway>> promised_;
  gateway::channel::ChangeLog log_;
  gateway::GatewayState state_;
  bool torn_down_ = false;
  std::map<gateway::channel::ConnectionId, Connection> connections_;
  std::vector<GatewayAnswer> answers_;
  bool answers_taken_ = true;
  // One read() at a time; the answers of the current round, by pin.
  std::mutex read_mutex_;
  std::uint64_t stats_round_ = 0;
  std::map<std::string, std::vector<gateway::channel::PeerLive>> live_;
  std::map<gateway::Key, std::vector<GatewayPeerStats>> by_gateway_;

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<gateway::channel::ChannelServer> server_;
  std::thread thread_;
};

}  // namespace picket::controller
