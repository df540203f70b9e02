// libFuzzer target for everything the resolver reads from outside: a query
// as a client sends it (and the answer Picket would build for it), and a
// whole message as an upstream sends it (and its cacheable form).
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/local_answer.hpp"
#include "dns/packet_cache.hpp"
#include "dns/responses.hpp"
#include "dns/wire.hpp"

using namespace picket::gateway::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  static LocalZone zone("picket.internal");
  const auto parsed = parse_query(bytes);
  if (parsed.status == QueryStatus::ok) {
    (void)local_answer(zone, parsed.query, picket::gateway::IpAddress{});
    (void)fit_for_udp(blocked_response(parsed.query, BlockAnswer::null_address), parsed.query);
    // The same bytes as an upstream's answer to this query.
    if (auto prepared = prepare_upstream_answer(bytes, parsed.query, false, Clock::now())) {
      (void)answer_from_cache(prepared->entry, parsed.query, Clock::now());
      if (!parse_message(prepared->entry.packet)) __builtin_trap();  // we must write what we read
    }
  } else if (parsed.status != QueryStatus::drop) {
    (void)error_response(parsed, rcode::FormErr);
  }
  (void)parse_message(bytes);
  return 0;
}
