#include "api/password_check.hpp"

#include <nlohmann/json.hpp>

#include "api/replies.hpp"
#include "auth/accounts.hpp"

namespace picket::controller::api {

namespace {

ApiError password_required() {
  return ApiError(400, "password_required",
                  "this action needs your admin password again in field 'password'; nothing "
                  "was changed");
}

}  // namespace

std::string require_password(auth::Accounts* accounts, const ApiRequest& request,
                             const Caller& caller) {
  auto body = nlohmann::json::parse(request.body.empty() ? std::string_view("{}") : request.body,
                                    nullptr, /*allow_exceptions=*/false);
  if (!caller.admin_id) {
    if (!body.is_object() || !body.contains("password")) return request.body;
    body.erase("password");
    return body.dump();
  }
  if (body.is_discarded()) throw std::invalid_argument("the request body is not valid JSON");
  if (!body.is_object()) throw std::invalid_argument("the request body must be a JSON object");
  const auto field = body.find("password");
  if (field == body.end() || !field->is_string() || field->get_ref<const std::string&>().empty())
    throw password_required();
  if (accounts == nullptr)
    throw ApiError(503, "accounts_unavailable", "admin accounts are not available here");
  try {
    accounts->confirm_password(*caller.admin_id, field->get<std::string>());
  } catch (const auth::LoginFailed&) {
    throw ApiError(403, "password_wrong", "the admin password is wrong; nothing was changed");
  }
  body.erase(field);
  return body.dump();
}

}  // namespace picket::controller::api
