// libFuzzer target for the kernel's WG_CMD_GET_DEVICE replies as the kernel
// backend merges them. The kernel is trusted more than a network peer, but
// a bug in attribute walking would read out of bounds on any odd reply, so
// malformed input must end in gateway::Error. The input is split into
// several replies at 0xff 0xff 0xff 0xff markers, as one device spans
// several messages.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "netlink/wg_dump.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  netlink::DumpMerger merger;
  // Each reply in its own buffer, aligned as a received message is.
  const auto add = [&merger, data](std::size_t from, std::size_t to) {
    const std::vector<std::uint8_t> reply(data + from, data + to);
    merger.add(reply);
  };
  std::size_t start = 0;
  try {
    for (std::size_t i = 0; i + 4 <= size; ++i) {
      if (data[i] == 0xff && data[i + 1] == 0xff && data[i + 2] == 0xff && data[i + 3] == 0xff) {
        add(start, i);
        start = i + 4;
        i += 3;
      }
    }
    add(start, size);
  } catch (const Error&) {
  }
  return 0;
}
