#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "picket/gateway/channel/codec.hpp"
#include "picket/gateway/key.hpp"
#include "picket/gateway/state.hpp"

// The messages of the controller→gateway channel, one JSON object per
// WebSocket text frame:
//
//   gateway → controller                 controller → gateway
//   {"type":"hello","seq":1,             {"type":"state","seq":1,"version":7,
//    "name":"gw-1","applied":6}           "state":{…}}
//   {"type":"enrol","seq":1,             {"type":"change","seq":2,"version":8,
//    "name":"gw-1","secret":"…"}          "base":7,"change":{…}}
//   {"type":"applied","seq":2,
//    "version":8,"millis":3}             either way
//   {"type":"applied",…,"error":"…"}     {"type":"ping","seq":n}
//   {"type":"resync","seq":3,            {"type":"pong","seq":n}
//    "applied":7}
//   {"type":"stats","seq":4,"id":2,      {"type":"stats_request","seq":3,"id":2}
//    "peers":[{"key":"…","handshake":…,
//              "rx":…,"tx":…}]}
//
// "seq" counts the frames of one direction of one connection from 1; a
// reader refuses any other number than the next (a replayed, dropped or
// reordered frame). Versions and sequence numbers stay below 2^53 so that
// any JSON reader holds them exactly. An absent "applied" means none.
namespace picket::gateway::channel {

inline constexpr std::size_t kMaxGatewayName = 63;
inline constexpr std::size_t kMaxErrorBytes = 1024;

// First frame of a gateway that is enrolled: who it is (the controller
// also knows it by its key pin) and what it holds.
struct Hello {
  std::string name;
  std::optional<std::uint64_t> applied;
};

// First frame of a gateway that is not yet enrolled: the one-time secret
// of its enrolment token (see enrolment.hpp) and the name it asks for.
struct Enrol {
  SecretKey secret;
  std::string name;
};

struct StateMessage {
  std::uint64_t version = 0;
  GatewayState state;
};

// Takes version - 1 to version; the wire says "base" too, and a reader
// refuses a base other than version - 1.
struct ChangeMessage {
  std::uint64_t version = 0;
  GatewayChange change;
};

// The gateway applied `version` (in `millis`), or failed to: then `error`
// says why (GatewayNode's message: no key, no address) and the gateway holds
// no known version until the next whole state.
struct Applied {
  std::uint64_t version = 0;
  std::uint64_t millis = 0;
  std::optional<std::string> error;
};

// The gateway got a change it cannot apply (its base is not what the
// gateway holds) and asks for what it misses, or for the whole state.
struct Resync {
  std::optional<std::uint64_t> applied;
};

struct Ping {};
struct Pong {};

// The controller asks for the peers' live figures (`picket status`); the
// gateway answers with Stats carrying the same id, so an answer to an
// earlier request is told apart.
struct StatsRequest {
  std::uint64_t id = 0;
};
// The peers that have had a handshake, with its time and the transfer
// counters; never an endpoint address.
struct Stats {
  std::uint64_t id = 0;
  std::vector<PeerLive> peers;
};

using Message = std::variant<Hello, Enrol, StateMessage, ChangeMessage, Applied, Resync, Ping, Pong,
                             StatsRequest, Stats>;

enum class Sender { controller, gateway };

// "hello", "state", …
std::string_view type_name(const Message& message);

// Gateway names: 1 to 63 lowercase letters, digits and '-', not starting or
// ending with '-' (a DNS label, so it can name a host or a metric).
bool is_gateway_name(std::string_view name);

// Numbers outgoing frames. One per direction per connection.
class MessageWriter {
 public:
  std::string write(const Message& message);
  std::uint64_t last_seq() const { return seq_; }

 private:
  std::uint64_t seq_ = 0;
};

// Decodes incoming frames of one connection, in order. Throws ProtocolError
// for a frame that is not valid JSON or not a message, a message `from`
// may not send, or a sequence number other than the last one + 1; the
// connection is then beyond repair and should be closed.
class MessageReader {
 public:
  explicit MessageReader(Sender from) : from_(from) {}
  Message read(std::string_view frame);
  std::uint64_t last_seq() const { return seq_; }

 private:
  Sender from_;
  std::uint64_t seq_ = 0;
};

}  // namespace picket::gateway::channel
