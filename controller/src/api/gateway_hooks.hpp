#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace picket::controller::api {

// What the gateway routes need from a picketd that runs as a controller
// (--role controller): it alone holds the channel and the enrolled gateway
// hosts. A single box has none; the routes then answer 409.
struct GatewayHooks {
  struct Entry {
    std::string name;
    std::string pin;          // of the gateway's channel key: not secret
    std::string endpoint;     // where members dial it
    std::string public_key;   // its WireGuard key, base64
    std::string fingerprint;  // of that key, for checking in person
    std::int64_t created_at = 0;
    bool connected = false;
    bool current = false;  // it holds the controller's version
    std::optional<std::uint64_t> applied;
    std::optional<std::int64_t> heard_seconds_ago;
  };
  struct Token {
    std::string text;  // for `picket-gateway enrol`; a secret until used
    std::int64_t expires_at = 0;
    std::string controller_pin;
    std::string controller_address;  // HOST:PORT the gateway will dial
  };
  std::function<std::vector<Entry>()> list;
  // Throws ApiError (409 gateway_exists) when the name is taken.
  std::function<Token(const std::string& name, const std::string& endpoint,
                      std::chrono::seconds valid_for)>
      add;
  // False when no gateway has that name.
  std::function<bool(const std::string& name)> remove;
};

}  // namespace picket::controller::api
