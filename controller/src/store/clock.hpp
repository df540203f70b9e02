#pragma once

#include <chrono>
#include <cstdint>

namespace picket::controller {

// Creation times are whole unix seconds, the resolution the API shows.
inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace picket::controller
