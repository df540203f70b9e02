#include "picket/gateway/channel/tls.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "channel/base64url.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::channel {

namespace {

namespace ssl = boost::asio::ssl;

constexpr long kCertificateDays = 3650;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail";
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

[[noreturn]] void fail(const std::string& what) {
  throw Error(what + " (OpenSSL: " + openssl_error() + ")");
}

std::string pin_of_key(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) fail("cannot encode a public key");
  std::array<std::uint8_t, 32> digest{};
  unsigned int digest_length = 0;
  const int ok = EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), &digest_length,
                            EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1 || digest_length != digest.size()) fail("cannot hash a public key");
  return detail::base64url(digest);
}

std::shared_ptr<X509> self_signed(EVP_PKEY* key) {
  std::shared_ptr<X509> cert(X509_new(), X509_free);
  if (!cert) fail("cannot make a certificate");
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1) fail("no random bytes for a serial number");
  serial[0] &= 0x7f;  // a positive INTEGER
  std::unique_ptr<BIGNUM, decltype(&BN_free)> number(
      BN_bin2bn(serial.data(), serial.size(), nullptr), BN_free);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!number || !BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert.get())) ||
      X509_set_version(cert.get(), 2) != 1 ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), kCertificateDays * 24 * 3600) ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("picket channel"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 ||
      // Ed25519 signs the message itself: no separate digest.
      X509_sign(cert.get(), key, nullptr) <= 0)
    fail("cannot make a self-signed certificate");
  return cert;
}

int pin_check_index() {
  // Not SSL_set_app_data: Asio keeps its own verify callback there and
  // deletes whatever it finds when the stream goes away.
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Replaces chain building and expiry checks: the pin is the whole check.
// TLS 1.3 has already proven (CertificateVerify) that the peer holds the
// certificate's private key, independently of this callback.
int verify_pinned(X509_STORE_CTX* store, void*) {
  auto* ssl_object =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* peer = X509_STORE_CTX_get0_cert(store);
  auto* check =
      ssl_object ? static_cast<PinCheck*>(SSL_get_ex_data(ssl_object, pin_check_index())) : nullptr;
  if (check == nullptr || peer == nullptr || !check->accept) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  try {
    check->seen = pin_of(peer);
    if (check->accept(check->seen)) return 1;
  } catch (const std::exception&) {
    // Refused below: an exception must not cross OpenSSL's C frames.
  }
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

}  // namespace

bool is_pin(std::string_view text) {
  return text.size() == kPinLength && detail::from_base64url_32(text).has_value();
}

std::string pin_of(X509* certificate) {
  EVP_PKEY* key = X509_get0_pubkey(certificate);
  if (key == nullptr) fail("a certificate without a usable public key");
  return pin_of_key(key);
}

Identity::Identity(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key)), certificate_(self_signed(key_.get())), pin_(pin_of_key(key_.get())) {}

Identity Identity::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) fail("cannot make an Ed25519 key");
  return Identity(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

Identity Identity::load(const std::filesystem::path& file) {
  const std::string name = file.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    throw Error("cannot open the channel key " + name + ": " + std::strerror(errno) +
                " (make one with the command that sets up this host)");
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Error("the channel key " + name + " is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw Error("the channel key " + name + " may be read by others (mode " + mode +
                "); run chmod 600 " + name + " and consider the key exposed");
  }
  std::string pem;
  std::array<char, 4096> chunk{};
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pem.append(chunk.data(), static_cast<std::size_t>(n));
    if (pem.size() > 64 * 1024) break;
  }
  ::close(fd);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  OPENSSL_cleanse(pem.data(), pem.size());
  ERR_clear_error();
  if (key == nullptr)
    throw Error("the channel key " + name + " holds no PEM private key (expected PKCS#8 PEM)");
  std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
    throw Error("the channel key " + name + " is not an Ed25519 key; make a new one");
  return Identity(std::move(owned));
}

Identity Identity::from_seed(const std::array<std::uint8_t, kSeedSize>& seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (key == nullptr) fail("cannot make an Ed25519 key from the stored channel key");
  return Identity(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

std::array<std::uint8_t, Identity::kSeedSize> Identity::seed() const {
  std::array<std::uint8_t, kSeedSize> out{};
  std::size_t length = out.size();
  if (EVP_PKEY_get_raw_private_key(key_.get(), out.data(), &length) != 1 || length != out.size())
    fail("cannot read the channel key's seed");
  return out;
}

void Identity::save(const std::filesystem::path& file) const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_secmem()), BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("cannot encode the channel key");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  const std::string name = file.string();
  const std::string temporary = name + ".new";
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    throw Error("cannot write the channel key beside " + name + ": " + std::strerror(errno));
  long written = 0;
  while (written < length) {
    const ssize_t n = ::write(fd, data + written, static_cast<std::size_t>(length - written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += n;
  }
  const bool synced = written == length && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!synced || ::rename(temporary.c_str(), name.c_str()) != 0) {
    const std::string reason = std::strerror(synced ? errno : saved_errno);
    ::unlink(temporary.c_str());
    throw Error("cannot write the channel key " + name + ": " + reason);
  }
}

std::shared_ptr<ssl::context> make_tls_context(const Identity& identity, bool server) {
  auto context =
      std::make_shared<ssl::context>(server ? ssl::context::tls_server : ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1)
    fail("cannot limit the channel to TLS 1.3");
  if (SSL_CTX_use_certificate(native, identity.certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(native, identity.key()) != 1 || SSL_CTX_check_private_key(native) != 1)
    fail("cannot use the channel key");
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(native, verify_pinned, nullptr);
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  if (server) SSL_CTX_set_num_tickets(native, 0);
  return context;
}

void attach_pin_check(SSL* ssl_object, PinCheck* check) {
  if (SSL_set_ex_data(ssl_object, pin_check_index(), check) != 1)
    fail("cannot attach the key pin check");
}

}  // namespace picket::gateway::channel
