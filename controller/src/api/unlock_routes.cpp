// /api/v1/unlock: the two routes a locked picketd answers (Route::while_locked),
// root over the unix socket only.
//   GET  -> {"locked_mode", "unlocked", "sealed_state"}: what `picket unlock`
//           needs to know (ask for a new passphrase twice?)
//   POST {"passphrase": "..."} -> unlocks (or creates the sealed state);
//           403 passphrase_wrong, 400 for a too short new passphrase, 409
//           when already unlocked or not in locked mode.
#include <sodium.h>

#include "api/replies.hpp"
#include "api/request_body.hpp"
#include "api/route_table.hpp"
#include "api/unlock_hooks.hpp"
#include "common/log.hpp"

namespace picket::controller::api {

namespace {

// The passphrase parsed out of the request body; wiped when answered (the
// unix socket server wipes the body and its read buffer).
struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

const UnlockHooks& hooks(RouteCall& call) {
  if (call.context.unlock == nullptr)
    throw ApiError(409, "not_locked_mode",
                   "picketd does not run in locked mode (start it with --locked)");
  return *call.context.unlock;
}

ApiResponse unlock_status(RouteCall& call) {
  const auto status = hooks(call).status();
  return reply(200, {{"locked_mode", status.locked_mode},
                     {"unlocked", status.unlocked},
                     {"sealed_state", status.sealed_state}});
}

ApiResponse unlock(RouteCall& call) {
  const auto& unlock_hooks = hooks(call);
  const auto status = unlock_hooks.status();
  if (!status.locked_mode) {
    throw ApiError(409, "not_locked_mode",
                   "picketd does not run in locked mode (start it with --locked)");
  }
  if (status.unlocked) throw ApiError(409, "already_unlocked", "picketd is already unlocked");
  WipedString passphrase;
  try {
    passphrase.text = RequestBody(call.request.body, {"passphrase"}).required_string("passphrase");
  } catch (const std::exception& e) {
    throw ApiError(400, "invalid_request", e.what());
  }
  const auto what = unlock_hooks.unlock(passphrase.text);
  log_info("unlocked: the sealed state was " + what);
  return reply(200, {{"unlocked", true}, {"sealed_state", what}});
}

const Route kRoutes[] = {
    {"GET", "/unlock", unlock_status, Access::unix_only, false, true},
    {"POST", "/unlock", unlock, Access::unix_only, false, true},
};

}  // namespace

std::span<const Route> unlock_routes() {
  return kRoutes;
}

}  // namespace picket::controller::api
