#include "picket/gateway/key.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <set>

#include "picket/gateway/error.hpp"

using namespace picket::gateway;

namespace {

Key key_from_hex(const char* hex) {
  return Key::from_hex(hex);
}

// The definition validate_public_key's table stands for: X25519 of the key
// with a clamped scalar gives the all-zero output (libsodium's -1).
bool zero_secret(const KeyBytes& key) {
  KeyBytes scalar{};
  scalar[0] = 9;
  scalar[0] &= 248;
  scalar[31] = 64;
  KeyBytes out{};
  return crypto_scalarmult(out.data(), scalar.data(), key.data()) != 0;
}

bool refused(const KeyBytes& key) {
  try {
    validate_public_key(Key(key));
    return false;
  } catch (const ParseError&) {
    return true;
  }
}

}  // namespace

TEST_CASE("key: known private/public pair", "[key]") {
  const auto sk = SecretKey::from_base64("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=");
  const Key pk = public_key_of(sk);
  CHECK(pk.base64() == "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");
  CHECK(sk.base64() == "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=");
  CHECK(Key::from_hex(pk.hex()) == pk);
  CHECK(SecretKey::from_hex(sk.hex()) == sk);
  CHECK_NOTHROW(validate_public_key(pk));
  CHECK(parse_public_key("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=") == pk);
}

TEST_CASE("key: hex and base64 round trip", "[key]") {
  const Key k = Key::from_base64("ERERERERERERERERERERERERERERERERERERERERERE=");
  CHECK(k.hex() == std::string(64, '1'));
  CHECK(Key::from_hex(std::string(64, '1')) == k);
  CHECK_FALSE(k.is_zero());
  CHECK(Key{}.is_zero());
  CHECK(Key{}.base64() == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

TEST_CASE("key: generated keys are clamped, random and have valid public keys", "[key]") {
  std::set<Key> seen;
  for (int i = 0; i < 20; ++i) {
    const SecretKey sk = generate_private_key();
    CHECK((sk.bytes()[0] & 7) == 0);
    CHECK((sk.bytes()[31] & 0x80) == 0);
    CHECK((sk.bytes()[31] & 0x40) == 0x40);
    const Key pk = public_key_of(sk);
    CHECK_NOTHROW(validate_public_key(pk));
    seen.insert(pk);
    CHECK_FALSE(generate_preshared_key().is_zero());
  }
  CHECK(seen.size() == 20);
}

TEST_CASE("key: secret keys compare by value", "[key]") {
  const SecretKey a = SecretKey::from_base64("ERERERERERERERERERERERERERERERERERERERERERE=");
  SecretKey b = SecretKey::from_base64("IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=");
  CHECK_FALSE(a == b);
  b = a;
  CHECK(a == b);
  CHECK(SecretKey{}.is_zero());
}

TEST_CASE("key: malformed text is rejected without echoing it", "[key]") {
  const char* bad[] = {
      "",
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk",    // 43: no padding
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk==",  // 45
      " yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm=",   // leading space
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm!=",   // not base64
      "yAnz5TF-lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",   // URL-safe alphabet
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=",   // non-zero trailing bits
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmkA",   // no '=' at the end
      "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3f==k=",   // padding inside
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(Key::try_base64(text));
    try {
      (void)SecretKey::from_base64(text);
      FAIL("accepted");
    } catch (const ParseError& e) {
      const std::string what = e.what();
      CHECK(what.find("44 base64") != std::string::npos);
      if (std::string_view(text).size() > 4)
        CHECK(what.find(std::string_view(text).substr(0, 8)) == std::string::npos);
    }
  }
  CHECK_THROWS_AS(Key::from_hex(std::string(63, 'a')), ParseError);
  CHECK_THROWS_AS(Key::from_hex(std::string(66, 'a')), ParseError);
  CHECK_THROWS_AS(Key::from_hex(std::string(63, 'a') + "g"), ParseError);
  CHECK_THROWS_AS(Key::from_hex(std::string(62, 'a') + " a"), ParseError);
  CHECK_THROWS_AS(SecretKey::from_hex(std::string(64, 'z')), ParseError);
}

TEST_CASE("key: all-zero and small-order public keys are unusable", "[key]") {
  // The Curve25519 points of order 1, 2, 4 and 8, some in non-canonical
  // encodings (u >= p, or the ignored top bit set).
  const char* small_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",  // 0
      "0100000000000000000000000000000000000000000000000000000000000000",  // 1
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p (= 0)
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1 (= 1)
      "0000000000000000000000000000000000000000000000000000000000000080",  // 0, top bit
      "0100000000000000000000000000000000000000000000000000000000000080",  // 1, top bit
  };
  for (const char* hex : small_order) {
    INFO(hex);
    CHECK_THROWS_AS(validate_public_key(key_from_hex(hex)), ParseError);
    CHECK_THROWS_AS(parse_public_key(key_from_hex(hex).base64()), ParseError);
  }
  CHECK_THROWS_WITH(validate_public_key(Key{}), Catch::Contains("all zero"));
}

TEST_CASE("key: the small-order table refuses exactly what X25519 maps to zero", "[key]") {
  REQUIRE(sodium_init() >= 0);
  // Every single-bit change of every small-order spelling (and the spelling
  // itself, with and without the ignored top bit), then random keys: the
  // table and a real multiplication must agree on each.
  const char* small_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  std::size_t checked = 0;
  for (const char* hex : small_order) {
    const KeyBytes base = key_from_hex(hex).bytes();
    for (int bit = -1; bit < 256; ++bit) {
      KeyBytes key = base;
      if (bit >= 0) key[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      INFO(hex << " bit " << bit);
      CHECK(refused(key) == zero_secret(key));
      ++checked;
    }
  }
  for (int i = 0; i < 20000; ++i) {
    KeyBytes key{};
    randombytes_buf(key.data(), key.size());
    CHECK(refused(key) == zero_secret(key));
    ++checked;
  }
  CHECK(checked == 7 * 257 + 20000);
}
