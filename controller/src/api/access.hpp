#pragma once

namespace picket::controller::api {

// Who may call a route over HTTP. The root-only unix socket may call all,
// and is never asked for a password.
enum class Access {
  session,  // a logged-in admin; state-changing methods also need the CSRF token
  // A logged-in admin who also types their password again in the body's
  // "password" field (require_password): every change that widens access or
  // destroys data, so that a session left open on a seized laptop is not
  // enough (DESIGN principle 12). Cutting access off stays `session`.
  password,
  open,       // no session (login, first-admin setup); rate-limited where it matters
  unix_only,  // root over the unix socket only; absent from the HTTP listeners
  // /metrics: no session, and only on the listener that serves it (the
  // loopback one); elsewhere the path is the UI's, as any other.
  metrics_listener,
};

}  // namespace picket::controller::api
