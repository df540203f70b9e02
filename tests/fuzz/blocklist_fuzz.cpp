// libFuzzer target for blocklist files: whatever a downloaded hosts file or
// domain list holds. Lines go through BlocklistBuilder as add_file reads
// them; then every domain the builder accepted on its own line must be
// blocked, with its subdomains, by the built list.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "picket/gateway/dns/blocklist.hpp"
#include "picket/gateway/dns/name.hpp"

using namespace picket::gateway::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  BlocklistBuilder builder;
  BlocklistBuilder single;  // only to ask whether a line is a bare domain
  std::vector<std::string> accepted;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    builder.add_line(line);
    if (line.find_first_of("#*|^ \t") == std::string_view::npos && single.add_domain(line)) {
      if (const auto wire = host_to_wire(line)) accepted.push_back(*wire);
    }
    start = end + 1;
  }
  const auto list = builder.build();
  for (const auto& wire : accepted) {
    if (!list.blocks(wire)) __builtin_trap();
    const std::string sub = std::string("\x03") + "www" + wire;
    if (sub.size() <= kMaxNameWire && !list.blocks(sub)) __builtin_trap();
  }
  (void)list.blocks(std::string(1, '\0'));
  return 0;
}
