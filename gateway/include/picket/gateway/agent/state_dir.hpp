#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "picket/gateway/channel/tls.hpp"
#include "picket/gateway/key.hpp"

// What a gateway host keeps on disk: its own channel key and how to reach
// its controller. Nothing about members, ever: peers, addresses, firewall
// sets, DNS names and the WireGuard private key come from the controller
// after every start and live in memory only (src/agent/README.md).
namespace picket::gateway::agent {

inline constexpr const char* kDefaultStateDir = "/var/lib/picket-gateway";
inline constexpr const char* kIdentityFileName = "channel.key";
inline constexpr const char* kControllerFileName = "controller.json";

// The controller this gateway follows.
struct ControllerFile {
  std::string host;
  std::uint16_t port = 0;
  std::string pin;   // the controller's key pin, from the token
  std::string name;  // this gateway's name, as it enrolled
  // The token's one-time secret, kept only until the controller first
  // answered the enrol message; afterwards the file holds no secret.
  std::optional<SecretKey> enrolment_secret;
};

class StateDir {
 public:
  explicit StateDir(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path identity_file() const { return dir_ / kIdentityFileName; }
  std::filesystem::path controller_file() const { return dir_ / kControllerFileName; }
  // Whether an enrolment finished here (the controller file is written last).
  bool enrolled() const;

  // Creates the directory (and its parents) when missing and makes it
  // 0700. Throws Error naming it.
  void prepare() const;
  // Throw Error naming the file and what to do (enrol first, chmod 600).
  channel::Identity load_identity() const;
  ControllerFile load_controller() const;
  // 0600, written beside the old file, synced, then renamed into place.
  void save_controller(const ControllerFile& controller) const;
  // The controller answered the enrolment: the secret goes, the rest stays.
  void forget_enrolment_secret() const;

 private:
  std::filesystem::path dir_;
};

// This host's name when it is a valid gateway name (a DNS label), else
// nullopt (then enrol needs --name).
std::optional<std::string> host_gateway_name();

struct EnrolResult {
  ControllerFile controller;
  std::string gateway_pin;  // what the controller will know this gateway by
};

// `picket-gateway enrol`: parses the token, makes a new channel identity
// and writes both files. Refuses a directory that holds an enrolment
// already unless `force` (then the old identity is replaced: the
// controller must enrol this gateway again). Throws Error with what was
// wrong: a bad token, a bad name, a directory that cannot be written.
// The name is the one the token names; else `name`; else the host's. A
// `name` other than the token's is refused.
EnrolResult enrol(const StateDir& dir, std::string_view token_text, const std::string& name,
                  bool force);

}  // namespace picket::gateway::agent
