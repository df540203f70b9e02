#include "api/replies.hpp"

#include "auth/accounts.hpp"
#include "picket/controller/errors.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/error.hpp"
#include "store/storage_full.hpp"

namespace picket::controller::api {

ApiResponse reply(int status, const nlohmann::json& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

ApiResponse error_reply(int status, const std::string& code, const std::string& message) {
  return reply(status, nlohmann::json{{"error", message}, {"code", code}});
}

ApiResponse reply_for_current_exception() {
  try {
    throw;
  } catch (const ApiError& e) {
    auto response = error_reply(e.status(), e.code(), e.what());
    if (e.retry_after > 0)
      response.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
    return response;
  } catch (const auth::LoginFailed& e) {
    return error_reply(401, "login_failed", e.what());
  } catch (const auth::RateLimited& e) {
    auto response = error_reply(429, "rate_limited", e.what());
    response.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
    return response;
  } catch (const auth::CodeWrong& e) {
    return error_reply(400, "code_wrong", e.what());
  } catch (const auth::PasswordWorkBusy& e) {
    auto response = error_reply(503, "busy", e.what());
    response.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
    return response;
  } catch (const auth::SetupRefused& e) {
    return error_reply(403, "setup_refused", e.what());
  } catch (const NotFoundError& e) {
    return error_reply(404, "not_found", e.what());
  } catch (const ConflictError& e) {
    return error_reply(409, "conflict", e.what());
  } catch (const StorageFullError& e) {
    return error_reply(507, "storage_full", e.what());
  } catch (const std::invalid_argument& e) {
    return error_reply(400, "invalid_input", e.what());
  } catch (const gateway::ParseError& e) {
    return error_reply(400, "invalid_input", e.what());
  } catch (const ApplyError& e) {
    return error_reply(503, "apply_failed", e.what());
  } catch (const gateway::Error& e) {
    return error_reply(503, "apply_failed",
                       std::string("the WireGuard interface failed: ") + e.what());
  } catch (const std::exception& e) {
    return error_reply(500, "internal", std::string("internal error: ") + e.what());
  }
}

}  // namespace picket::controller::api
