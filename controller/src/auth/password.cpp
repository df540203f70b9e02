#include "auth/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string_view>

namespace picket::controller::auth {

std::string hash_password(const std::string& password) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kPasswordOpsLimit,
                            kPasswordMemLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("hashing the password failed: not enough memory");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& stored_hash, const std::string& password) {
  if (password.size() > kMaxPasswordLength) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void verify_dummy_password(const std::string& password) {
  static const std::string dummy = hash_password("picket-dummy-password-for-timing");
  (void)verify_password(dummy, password);
}

void check_password_strength(const std::string& password, const std::string& username) {
  if (password.size() < kMinPasswordLength) {
    throw std::invalid_argument("the password is too short: use at least " +
                                std::to_string(kMinPasswordLength) +
                                " characters (a few random words work well)");
  }
  if (password.size() > kMaxPasswordLength) {
    throw std::invalid_argument("the password is longer than " +
                                std::to_string(kMaxPasswordLength) + " characters");
  }
  const std::set<char> distinct(password.begin(), password.end());
  if (distinct.size() < 6)
    throw std::invalid_argument("the password repeats too few different characters");
  std::string lower = password;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!username.empty() && lower.find(username) != std::string::npos)
    throw std::invalid_argument("the password must not contain the username");
  static constexpr std::string_view kCommon[] = {
      "password", "qwerty", "123456", "letmein", "welcome",   "admin", "picket",
      "iloveyou", "abc123", "monkey", "dragon",  "wireguard", "union", "solidarity"};
  for (auto word : kCommon) {
    if (lower.find(word) != std::string::npos && lower.size() < word.size() + 8)
      throw std::invalid_argument("the password is built on a well-known word; choose another");
  }
}

}  // namespace picket::controller::auth
