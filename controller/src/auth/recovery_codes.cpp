#include "auth/recovery_codes.hpp"

#include <cctype>

#include "auth/secrets.hpp"
#include "auth/totp.hpp"

namespace picket::controller::auth {

std::vector<std::uint8_t> hash_bytes(const std::string& text) {
  const auto digest = sha256(text);
  return {digest.begin(), digest.end()};
}

std::string new_recovery_code() {
  const auto bytes = random_bytes(7);
  const auto text = base32_encode(bytes).substr(0, 10);
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.substr(0, 5) + "-" + lower.substr(5);
}

std::string normalise_recovery_code(const std::string& code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 10 ? out.substr(0, 5) + "-" + out.substr(5) : out;
}

}  // namespace picket::controller::auth
