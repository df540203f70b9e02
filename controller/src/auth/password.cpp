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

const std::string& dummy_password_hash() {
  // Fixed rather than made at first use, which would cost one hashing on
  // the API thread; made with the parameters above (a unit test checks).
  static const std::string dummy =
      "$argon2id$v=19$m=65536,t=3,p=1$xJLLyei45s6bC+1keA+mvg$"
      "SOSwP0jW/Bu5v2tGJqlQkDOzuB07zN4+WTF7W0nAx10";
  return dummy;
}

void verify_dummy_password(const std::string& password) {
  (void)verify_password(dummy_password_hash(), password);
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
