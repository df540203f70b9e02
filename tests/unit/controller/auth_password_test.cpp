// Argon2id hashes and the minimum strength rules.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <stdexcept>

#include "auth/password.hpp"

using namespace picket::controller::auth;

TEST_CASE("auth: Argon2id hashes verify the right password only", "[auth]") {
  const auto started = std::chrono::steady_clock::now();
  const auto hash = hash_password("correct horse battery staple");
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  // A figure, not an assertion: the README quotes it.
  std::cout << "argon2id (ops " << kPasswordOpsLimit << ", " << (kPasswordMemLimit >> 20)
            << " MiB) took " << ms.count() << " ms\n";
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(hash.find("m=65536,t=3") != std::string::npos);
  CHECK(verify_password(hash, "correct horse battery staple"));
  CHECK_FALSE(verify_password(hash, "correct horse battery stapl"));
  CHECK_FALSE(verify_password(hash, ""));
  CHECK(hash_password("correct horse battery staple") != hash);  // salted
}

TEST_CASE("auth: weak passwords are refused with a reason", "[auth]") {
  CHECK_THROWS_WITH(check_password_strength("short", "ana"), Catch::Contains("too short"));
  CHECK_THROWS_WITH(check_password_strength("aaaaaaaaaaaaaaaa", "ana"),
                    Catch::Contains("too few different"));
  CHECK_THROWS_WITH(check_password_strength("ana-is-the-best-42", "ana"),
                    Catch::Contains("username"));
  CHECK_THROWS_WITH(check_password_strength("Password1234", "ana"), Catch::Contains("well-known"));
  CHECK_THROWS_AS(check_password_strength(std::string(2000, 'x'), "ana"), std::invalid_argument);
  CHECK_NOTHROW(check_password_strength("tulip marble ferry 88", "ana"));
}

TEST_CASE("auth: the fixed dummy hash has the current Argon2id parameters", "[auth]") {
  // A login for an unknown username verifies against it and must cost what
  // a real one does.
  CHECK(crypto_pwhash_str_needs_rehash(dummy_password_hash().c_str(), kPasswordOpsLimit,
                                       kPasswordMemLimit) == 0);
  CHECK(verify_password(dummy_password_hash(), "picket-dummy-password-for-timing"));
}
