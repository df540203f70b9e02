#pragma once

// Builds DNS queries for the resolver's unit tests.

#include <string>

#include "dns/wire.hpp"
#include "picket/gateway/dns/name.hpp"

namespace picket::gateway::dns::test {

inline Bytes make_query(const std::string& host, std::uint16_t qtype, bool edns = false,
                        bool do_bit = false, std::uint16_t id = 0x1234) {
  Writer w(id, flag::RD);
  auto wire = host_to_wire(host);
  w.question(*wire, qtype, kClassIn);
  if (edns) w.opt(4096, do_bit);
  return w.finish();
}

}  // namespace picket::gateway::dns::test
