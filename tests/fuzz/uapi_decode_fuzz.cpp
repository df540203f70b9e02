// libFuzzer target for what wireguard-go sends back on its control socket:
// the reply to get=1 (a whole device) and to set=1 (an errno line). The
// other process is not trusted: a malformed reply must end in gateway::Error,
// never in a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "picket/gateway/error.hpp"
#include "picket/gateway/plan.hpp"
#include "uapi/codec.hpp"

using namespace picket::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view reply(reinterpret_cast<const char*>(data), size);
  try {
    const auto snapshot = uapi::decode_get(reply);
    // What we read must be something we can plan against and write back:
    // the change to an empty device (every peer removed) encodes.
    (void)uapi::encode_set_requests(plan(DesiredInterface{}, snapshot));
  } catch (const Error&) {
  }
  try {
    uapi::check_set_reply(reply);
  } catch (const Error&) {
  }
  return 0;
}
