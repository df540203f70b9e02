#pragma once

#include <string>

namespace picket::controller::auth {

// Argon2id through libsodium's crypto_pwhash_str. The parameters travel in
// the stored string, so raising them later leaves old hashes verifiable.
// 3 passes over 64 MiB: about 0.1 s on the 2-core reference machine (see
// README); login is rate-limited, so that cost bounds guessing, not admins.
inline constexpr unsigned long long kPasswordOpsLimit = 3;
inline constexpr std::size_t kPasswordMemLimit = 64u * 1024 * 1024;
inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;

std::string hash_password(const std::string& password);
bool verify_password(const std::string& stored_hash, const std::string& password);
// A fixed hash to verify against, so that a login for an unknown username
// costs the same time as one for a known one.
const std::string& dummy_password_hash();
void verify_dummy_password(const std::string& password);
// Throws std::invalid_argument saying what is wrong: too short, too few
// different characters, contains the username, or a well-known password.
void check_password_strength(const std::string& password, const std::string& username);

}  // namespace picket::controller::auth
