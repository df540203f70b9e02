#pragma once

#include <string>

#include "api/route_table.hpp"

namespace picket::controller::api {

// The one check behind every Access::password route (and the extensions'
// ones): over HTTP the body's "password" field must hold the calling
// admin's own password, verified again with Argon2id. Returns the body
// without that field, so the route's handler never sees it; the root-only
// unix socket is trusted and only has the field removed when present.
//
// Throws ApiError 400 password_required (missing or empty), 403
// password_wrong (the session stays good: the UI must not log out),
// auth::RateLimited (429) after too many wrong ones. On a request's own
// thread the Argon2id job runs on the worker while the request waits
// (RequestCoroutine).
std::string require_password(auth::Accounts* accounts, const ApiRequest& request,
                             const Caller& caller);

}  // namespace picket::controller::api
