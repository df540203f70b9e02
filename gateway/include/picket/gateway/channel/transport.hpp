#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "picket/gateway/channel/codec.hpp"
#include "picket/gateway/channel/tls.hpp"

// The channel's wire: WebSocket text frames over TLS 1.3 with pinned keys
// (tls.hpp), on an io_context the caller owns and runs on one thread. Every
// handler is called on that thread. What the frames mean is messages.hpp's
// business; this layer only moves bounded text.
namespace picket::gateway::channel {

struct TransportLimits {
  std::size_t max_frame = kMaxMessageBytes;  // a bigger incoming frame closes the connection
  std::chrono::milliseconds handshake_timeout{10'000};  // TCP, TLS and WebSocket, each
  // Nothing read for half of it: a WebSocket ping; nothing for all of it:
  // the connection is dead and closed.
  std::chrono::milliseconds idle_timeout{120'000};
};

using ConnectionId = std::uint64_t;

struct ChannelServerOptions {
  Identity identity;
  std::string address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: any (see port())
  TransportLimits limits;
  std::size_t max_connections = 1024;
  LogFn log;
  // Connections still in their TCP, TLS or WebSocket handshake (not yet
  // proven to be a gateway). Past max_pending the oldest is dropped for the
  // newest, and one source address gets max_pending_per_source at a time: a
  // flood of idle connections cannot hold the door shut on a gateway.
  std::size_t max_pending = 64;
  std::size_t max_pending_per_source = 4;
};

struct ChannelServerHandlers {
  // During the TLS handshake, with the client's pin: the gateway's name, or
  // nullopt to refuse (the handshake fails). An empty name admits a key that
  // is not enrolled yet, for an enrol message only (Leader with nullopt).
  std::function<std::optional<std::string>(const std::string& pin)> accept;
  std::function<void(ConnectionId, const std::string& name, const std::string& pin)> opened;
  std::function<void(ConnectionId, std::string frame)> frame;
  // Only for connections that were opened; `reason` is for the log.
  std::function<void(ConnectionId, const std::string& reason)> closed;
};

// The controller's listener. Throws Error when it cannot listen.
class ChannelServer {
 public:
  ChannelServer(boost::asio::io_context& io, ChannelServerOptions options,
                ChannelServerHandlers handlers);
  // Closes the listener and every connection; no handler runs afterwards.
  ~ChannelServer();
  ChannelServer(const ChannelServer&) = delete;
  ChannelServer& operator=(const ChannelServer&) = delete;

  std::uint16_t port() const;
  // Queued behind earlier frames; an unknown (closed) id is ignored.
  // Callable from any thread. Throws ProtocolError for a frame over
  // limits.max_frame.
  void send(ConnectionId id, std::string frame);
  void close(ConnectionId id);
  std::size_t connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

struct ChannelClientOptions {
  Identity identity;
  std::string host;
  std::uint16_t port = 0;
  std::string server_pin;  // the controller's, from the enrolment token
  TransportLimits limits;
  LogFn log;
};

struct ChannelClientHandlers {
  std::function<void()> connected;
  std::function<void(std::string frame)> frame;
  // After connect() failed or the connection ended; connect() may be
  // called again (the caller decides when).
  std::function<void(const std::string& reason)> disconnected;
};

// The gateway's dialer. Throws ProtocolError for a server pin that is not a pin.
class ChannelClient {
 public:
  ChannelClient(boost::asio::io_context& io, ChannelClientOptions options,
                ChannelClientHandlers handlers);
  ~ChannelClient();  // no handler runs afterwards
  ChannelClient(const ChannelClient&) = delete;
  ChannelClient& operator=(const ChannelClient&) = delete;

  // Starts dialing (on the io_context); ends an earlier connection first.
  void connect();
  void send(std::string frame);
  void close();
  bool is_connected() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace picket::gateway::channel
