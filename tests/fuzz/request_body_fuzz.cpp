// libFuzzer target for the admin API's JSON request bodies as the handlers
// read them: RequestBody (parse, unknown fields and wrong types refused) and
// the field validation behind it (labels, notes, endpoints, public keys,
// CIDR lists). Everything a client can send must end in a value or in
// std::invalid_argument / gateway::ParseError (a 400), nothing else.
// api_request_fuzz goes further (whole routes on a real store) but needs the
// whole controller built with clang; this one builds in seconds.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "api/request_body.hpp"
#include "picket/controller/validate.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/ip.hpp"
#include "picket/gateway/key.hpp"

using namespace picket;
using namespace picket::controller;

namespace {

template <typename F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument&) {
  } catch (const gateway::ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  expect_clean([&] {
    const api::RequestBody body(text, {"label", "note", "public_key", "expires_at", "allowed_ips",
                                       "keepalive", "mtu", "endpoint", "restricted_to", "group"});
    expect_clean([&] { (void)normalize_label("device label", body.required_string("label")); });
    expect_clean([&] {
      if (auto note = body.optional_string("note")) (void)validate_note(*note);
    });
    expect_clean([&] {
      if (auto endpoint = body.optional_string("endpoint")) (void)validate_endpoint(*endpoint);
    });
    expect_clean([&] {
      if (auto key = body.optional_string("public_key")) (void)gateway::parse_public_key(*key);
    });
    expect_clean([&] { (void)body.optional_integer("expires_at", 0, 253402300799); });
    expect_clean([&] { (void)body.optional_integer("keepalive", 0, 65535); });
    expect_clean([&] { (void)body.optional_integer("mtu", 0, 9000); });
    for (const char* field : {"allowed_ips", "restricted_to"}) {
      expect_clean([&] {
        if (body.is_null(field)) return;
        if (auto list = body.optional_string_list(field, 64)) {
          for (const auto& item : *list) (void)gateway::Cidr::parse(item);
        }
      });
    }
    expect_clean([&] {
      if (auto group = body.optional_string("group")) (void)normalize_label("group", *group);
    });
  });
  return 0;
}
