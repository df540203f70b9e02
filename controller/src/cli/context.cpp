#include "cli/context.hpp"

#include <cctype>

namespace picket::controller::cli {

nlohmann::json Context::call(const std::string& method, const std::string& target,
                             const nlohmann::json& body) {
  if (!client_) client_ = std::make_unique<api::UnixClient>(socket_path);
  ApiResponse response;
  try {
    response = client_->call(method, target, body.is_null() ? "" : body.dump());
  } catch (const std::runtime_error& e) {
    throw CliError(e.what());
  }
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status < 200 || response.status >= 300) {
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
      throw CliError(parsed["error"].get<std::string>());
    }
    throw CliError("picketd answered with status " + std::to_string(response.status));
  }
  if (parsed.is_discarded()) throw CliError("picketd sent an answer that is not JSON");
  return parsed;
}

}  // namespace picket::controller::cli

namespace picket::controller::cli {
std::string encode(const std::string& segment) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', hex[c >> 4], hex[c & 15]};
    }
  }
  return out;
}
}  // namespace picket::controller::cli
