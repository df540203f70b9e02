#pragma once

#include <exception>
#include <string>
#include <vector>

namespace picket::controller {

// Runs `step`; a failure is recorded in `problems` as "what: message"
// instead of thrown, so that a panic wipe goes on with its other steps.
template <typename Step>
void attempt(std::vector<std::string>& problems, const std::string& what, Step&& step) {
  try {
    step();
  } catch (const std::exception& e) {
    problems.push_back(what + ": " + e.what());
  }
}

}  // namespace picket::controller
