#include "picket/gateway/channel/enrolment.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "channel/base64url.hpp"
#include "channel/json_reader.hpp"
#include "picket/gateway/channel/codec.hpp"
#include "picket/gateway/channel/messages.hpp"
#include "picket/gateway/channel/tls.hpp"
#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::gateway::channel {

using nlohmann::json;

namespace {

constexpr std::uint64_t kTokenVersion = 1;
constexpr std::size_t kMaxHostBytes = 253;

bool is_host(std::string_view host) {
  return !host.empty() && host.size() <= kMaxHostBytes &&
         (IpAddress::try_parse(host).has_value() || dns::host_to_wire(host).has_value());
}

void check_parts(std::string_view host, std::uint16_t port, std::string_view pin) {
  if (!is_host(host))
    throw ProtocolError("the controller's host must be a DNS name or an IP address");
  if (port == 0) throw ProtocolError("the controller's port must be from 1 to 65535");
  if (!is_pin(pin)) throw ProtocolError("the controller's key pin must be 43 base64url characters");
}

}  // namespace

std::string EnrolmentToken::encode() const {
  check_parts(host, port, controller_pin);
  json body = {{"v", kTokenVersion},
               {"host", host},
               {"port", port},
               {"pin", controller_pin},
               {"secret", detail::base64url(secret.bytes())}};
  if (!name.empty()) {
    if (!is_gateway_name(name))
      throw ProtocolError("the gateway name in a token must be a DNS label");
    body["name"] = name;
  }
  std::string text = body.dump();
  std::string token =
      detail::base64url({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  sodium_memzero(text.data(), text.size());
  return token;
}

EnrolmentToken EnrolmentToken::parse(std::string_view text) {
  // Pasted tokens pick up spaces and line ends at their edges.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) throw ProtocolError("the enrolment token is empty");
  if (text.size() > kMaxTokenBytes)
    throw ProtocolError("the enrolment token is too long: it is not one the controller made");
  auto body = detail::from_base64url(text, kMaxTokenBytes);
  if (!body)
    throw ProtocolError(
        "the enrolment token is not base64url text; copy it again whole, without added characters");
  json parsed;
  try {
    parsed = parse_json(*body);
  } catch (const ProtocolError&) {
    sodium_memzero(body->data(), body->size());
    throw ProtocolError("the enrolment token is cut off or damaged; copy it again whole");
  }
  sodium_memzero(body->data(), body->size());

  const detail::Field root(parsed, "token");
  root.expect_object({"v", "host", "port", "pin", "secret", "name"});
  if (root.required("v").unsigned_in(0, UINT32_MAX) != kTokenVersion)
    throw ProtocolError("the enrolment token is of another version; update this gateway's Picket");
  EnrolmentToken token;
  const detail::Field host = root.required("host");
  token.host = host.string(kMaxHostBytes);
  if (!is_host(token.host)) host.fail("must be a DNS name or an IP address");
  token.port = static_cast<std::uint16_t>(root.required("port").unsigned_in(1, 65535));
  const detail::Field pin = root.required("pin");
  token.controller_pin = pin.string(kPinLength);
  if (!is_pin(token.controller_pin)) pin.fail("must be a key pin: 43 base64url characters");
  const detail::Field secret = root.required("secret");
  auto bytes = detail::from_base64url_32(secret.string(64));
  if (!bytes) secret.fail("must be 43 base64url characters");
  token.secret = SecretKey(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  if (const auto name = root.optional("name")) {
    token.name = name->string(63);
    if (!is_gateway_name(token.name)) name->fail("must be a gateway name (a DNS label)");
  }
  return token;
}

EnrolmentToken EnrolmentBook::issue(std::string host, std::uint16_t port,
                                    std::string controller_pin, Clock::time_point expires) {
  check_parts(host, port, controller_pin);
  if (sodium_init() < 0) throw ProtocolError("libsodium could not be initialised");
  KeyBytes bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  EnrolmentToken token{std::move(host), port, std::move(controller_pin), SecretKey(bytes), {}};
  sodium_memzero(bytes.data(), bytes.size());
  add(token.secret, expires);
  return token;
}

void EnrolmentBook::add(const SecretKey& secret, Clock::time_point expires) {
  if (pending_.size() >= max_pending_)
    throw ProtocolError("already " + std::to_string(pending_.size()) +
                        " enrolment tokens are pending; withdraw some or wait for them to expire");
  pending_.push_back(Pending{secret, expires});
}

EnrolmentBook::Check EnrolmentBook::consume(const SecretKey& secret, Clock::time_point now) {
  std::size_t match = pending_.size();
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const bool same =
        sodium_memcmp(pending_[i].secret.bytes().data(), secret.bytes().data(), kKeySize) == 0;
    if (same) match = i;
  }
  if (match == pending_.size()) return Check::unknown;
  const bool expired = pending_[match].expires <= now;
  // Gone either way: a secret is tried once, and an expired one never works.
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(match));
  return expired ? Check::expired : Check::accepted;
}

void EnrolmentBook::prune(Clock::time_point now) {
  std::erase_if(pending_, [&](const Pending& p) { return p.expires <= now; });
}

bool EnrolmentBook::any_pending(Clock::time_point now) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [&](const Pending& p) { return p.expires > now; });
}

}  // namespace picket::gateway::channel
