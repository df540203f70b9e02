#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/key.hpp"

// How a new gateway host joins a controller. The controller's admin makes a
// one-time token; whoever sets up the gateway pastes it; the gateway dials
// the controller pinning the key named in the token, and its first message
// is an enrol with the token's secret. The controller takes the secret once,
// and records the gateway's own key pin under the name it asked for.
namespace picket::gateway::channel {

inline constexpr std::size_t kMaxTokenBytes = 1024;

// What a token carries. Printed as base64url of a small JSON object, so it
// survives a shell, a chat message and a QR code.
struct EnrolmentToken {
  std::string host;  // the controller, as the gateway dials it: a DNS name or an IP address
  std::uint16_t port = 0;
  std::string controller_pin;
  SecretKey secret;  // 32 random bytes (libsodium)
  // The name the controller enrols the gateway under (is_gateway_name);
  // empty: the gateway says which.
  std::string name;

  std::string encode() const;
  // Throws ProtocolError saying what is wrong with the token (never quoting
  // its secret).
  static EnrolmentToken parse(std::string_view text);
};

// The one-time secrets the controller has handed out and not yet seen come
// back. In memory: keeping them across restarts (pending() and add()) is
// the caller's job. Not thread-safe.
class EnrolmentBook {
 public:
  using Clock = std::chrono::system_clock;
  enum class Check { accepted, unknown, expired };

  struct Pending {
    SecretKey secret;
    Clock::time_point expires;
  };

  explicit EnrolmentBook(std::size_t max_pending = 256) : max_pending_(max_pending) {}

  // A token with a new secret, pending until `expires`. Throws
  // ProtocolError for a bad host, port or pin, or when max_pending secrets
  // are pending already.
  EnrolmentToken issue(std::string host, std::uint16_t port, std::string controller_pin,
                       Clock::time_point expires);
  // Puts back a pending secret (from the caller's storage).
  void add(const SecretKey& secret, Clock::time_point expires);
  // Accepted exactly once for a pending secret before its expiry; a used,
  // withdrawn or made-up secret is unknown. Compared in constant time, and
  // every pending secret is compared, so the time taken says nothing about
  // which one matched.
  Check consume(const SecretKey& secret, Clock::time_point now);
  // Drops expired secrets.
  void prune(Clock::time_point now);
  // Whether any secret is pending at `now`: a controller may admit a key it
  // does not know (for an enrol message) only then.
  bool any_pending(Clock::time_point now) const;
  const std::vector<Pending>& pending() const { return pending_; }

 private:
  std::size_t max_pending_;
  std::vector<Pending> pending_;
};

}  // namespace picket::gateway::channel
