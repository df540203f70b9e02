#pragma once

// Runs a shell command (the [root] tests' nft listings) and returns what it
// printed, stderr included.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace picket::gateway::test {

inline std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

}  // namespace picket::gateway::test
