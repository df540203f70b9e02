#include "daemon/locked_mode.hpp"

#include <sodium.h>
#include <sys/prctl.h>

#include <string_view>

#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/target.hpp"
#include "common/log.hpp"
#include "daemon/gateway_setup.hpp"

namespace picket::controller {

namespace {

// The passphrase parsed out of the request body; wiped when answered (the
// unix socket server wipes the body and its read buffer).
struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

}  // namespace

void enter_locked_mode(const DaemonOptions& options) {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    log_error("locked mode: cannot switch core dumps off; a crash could write the state to disk");
  }
  gateway::NodeOptions bare;
  bare.backend = gateway::select_backend(backend_choice(options), options.interface_name);
  gateway::GatewayNode node(std::move(bare));
  if (!node.interface_exists()) return;
  node.teardown();
  log_info("locked mode: removed the interface left by the previous run until unlock");
}

// Parsed as the API parses every target, so no spelling of the path can
// reach the unlock handler that the route table would not call /unlock.
bool is_unlock_request(const ApiRequest& request) {
  try {
    return api::split_target(request.target).path ==
           std::vector<std::string>{"api", "v1", "unlock"};
  } catch (const std::invalid_argument&) {
    return false;  // a malformed escape: the API answers it with 400
  }
}

ApiResponse answer_unlock(const ApiRequest& request, bool locked_mode, bool unlocked,
                          const std::filesystem::path& state_dir, const UnlockAction& unlock) {
  if (request.transport != Transport::unix_socket) {
    return api::error_reply(404, "not_found", "no such route");
  }
  if (request.method == "GET") {
    return api::reply(200, {{"locked_mode", locked_mode},
                            {"unlocked", unlocked},
                            {"sealed_state", sealed_state_exists(state_dir)}});
  }
  if (request.method != "POST") {
    return api::error_reply(405, "method_not_allowed", "use GET or POST on /api/v1/unlock");
  }
  if (!locked_mode) {
    return api::error_reply(409, "not_locked_mode",
                            "picketd does not run in locked mode (start it with --locked)");
  }
  if (unlocked) return api::error_reply(409, "already_unlocked", "picketd is already unlocked");
  WipedString passphrase;
  try {
    passphrase.text = api::RequestBody(request.body, {"passphrase"}).required_string("passphrase");
  } catch (const std::exception& e) {
    return api::error_reply(400, "invalid_request", e.what());
  }
  try {
    const auto how = unlock(passphrase.text);
    const char* what = how == UnlockedState::How::created     ? "created"
                       : how == UnlockedState::How::converted ? "converted"
                                                              : "opened";
    log_info(std::string("unlocked: the sealed state was ") + what);
    return api::reply(200, {{"unlocked", true}, {"sealed_state", what}});
  } catch (const UnlockError& e) {
    log_info("unlock refused: wrong passphrase");
    return api::error_reply(403, "passphrase_wrong", e.what());
  } catch (const std::invalid_argument& e) {
    return api::error_reply(400, "invalid_passphrase", e.what());
  } catch (const std::exception& e) {
    log_error(std::string("unlock failed, picketd stays locked: ") + e.what());
    return api::error_reply(500, "unlock_failed", std::string(e.what()) + "; picketd stays locked");
  }
}

ApiResponse locked_reply() {
  return api::error_reply(
      423, "locked",
      "picketd is locked: run `picket unlock` on the server and enter the passphrase");
}

}  // namespace picket::controller
