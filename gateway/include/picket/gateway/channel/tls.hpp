#pragma once

#include <openssl/types.h>

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

// Who is at the other end of a channel. No certificate authority: each side
// has an Ed25519 key and a self-signed certificate made at start, and each
// pins the other's public key by the SHA-256 of its SubjectPublicKeyInfo.
// A pin is not secret (it may be logged and printed); the key is.
namespace picket::gateway::channel {

// Where the channel says what went wrong with a connection (one line, no
// trailing newline). Pins and gateway names appear in it; keys, member
// names and member addresses never do.
using LogFn = std::function<void(std::string_view line)>;

// base64url without padding of a SHA-256: 43 characters.
inline constexpr std::size_t kPinLength = 43;
bool is_pin(std::string_view text);

class Identity {
 public:
  // A new Ed25519 key.
  static Identity generate();
  // The PEM private key (PKCS#8) in `file`, which must be a regular file
  // that only its owner may read or write (0600 or 0400). Throws Error
  // naming the file and what to do.
  static Identity load(const std::filesystem::path& file);
  // Writes the private key to `file` with mode 0600 (beside it, synced,
  // then renamed into place). Throws Error.
  void save(const std::filesystem::path& file) const;
  // For a side that keeps its key in a store of its own (picketd's
  // database, sealed in locked mode) rather than in a file: the 32-byte
  // Ed25519 seed. The caller wipes what seed() returns. from_seed throws
  // Error for a seed OpenSSL refuses.
  static constexpr std::size_t kSeedSize = 32;
  static Identity from_seed(const std::array<std::uint8_t, kSeedSize>& seed);
  std::array<std::uint8_t, kSeedSize> seed() const;

  // What the other side pins.
  const std::string& pin() const { return pin_; }
  EVP_PKEY* key() const { return key_.get(); }
  // Self-signed, made when the identity was, valid for ten years; only
  // its public key matters to the other side.
  X509* certificate() const { return certificate_.get(); }

 private:
  explicit Identity(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<X509> certificate_;
  std::string pin_;
};

// The pin of a certificate's public key.
std::string pin_of(X509* certificate);

// What a connection's peer key is checked against during the handshake:
// `accept(pin)` says yes or no. The TLS context calls it from its verify
// callback, so a refused key fails the handshake itself.
struct PinCheck {
  std::function<bool(const std::string& pin)> accept;
  std::string seen;  // the peer's pin, once its certificate arrived
};

// TLS 1.3 only, this identity's key and certificate, a peer certificate
// required and checked by the PinCheck attached to each connection (no CA,
// no expiry, no host name: the pin is the whole check), and no session
// resumption (a resumed session skips the check).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const Identity& identity, bool server);
// Attaches `check` to a connection's SSL object; it must outlive the
// handshake.
void attach_pin_check(SSL* ssl, PinCheck* check);

}  // namespace picket::gateway::channel
