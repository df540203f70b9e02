#include "daemon/seizure_runtime.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "common/attempt.hpp"
#include "common/log.hpp"
#include "state/state_files.hpp"
#include "state/wipe_files.hpp"

namespace picket::controller {

namespace {

std::atomic<bool> wipe_requested{false};

// Long enough for the answer to leave over the unix socket or HTTP; the
// wipe itself is already done when the timer starts.
constexpr auto kStopDelay = std::chrono::seconds(1);

}  // namespace

std::vector<std::string> SeizureRuntime::wipe() {
  wipe_requested = true;
  log_info("panic wipe: removing peers, interface, firewall table, database and keys");
  std::vector<std::string> problems;
  // Members first: whatever fails later, nobody is connected any more.
  // Peers, interface, then the table (kept when the peers could not go).
  attempt(problems, "removing the peers, the interface and the firewall table",
          [&] { service_.take_gateway_down(); });
  if (sealer_ != nullptr) sealer_->stop();
  attempt(problems, "erasing the database", [&] { erase_database(store_); });
  for (auto& problem : finish_wipe(state_dir_)) problems.push_back(std::move(problem));
  for (const auto& problem : problems) log_error("panic wipe: " + problem);
  log_info(problems.empty() ? "panic wipe: done; stopping"
                            : "panic wipe: finished with errors; stopping");
  stop_timer_.expires_after(kStopDelay);
  stop_timer_.async_wait([this](boost::system::error_code) { io_.stop(); });
  return problems;
}

Settings SeizureRuntime::rotate_key() {
  if (sealer_ != nullptr) {
    // Locked mode: the commit that names the new public key seals the new
    // private key with it, in one file; no key file is written.
    const auto next = gateway::generate_private_key();
    sealer_->stage_next_key(next);
    try {
      auto settings = service_.rotate_key(next);
      log_info("gateway key rotated; every device must be reissued");
      return settings;
    } catch (...) {
      sealer_->drop_next_key();
      throw;
    }
  }
  const auto next_file = state_dir_ / kNextGatewayKeyFileName;
  shred_file(next_file);  // left by an interrupted rotation that never committed
  const auto next = gateway::generate_private_key();
  write_key_file(next_file, next);
  Settings settings;
  try {
    settings = service_.rotate_key(next);
  } catch (...) {
    try {
      shred_file(next_file);
    } catch (const std::exception&) {
      // finish_interrupted_rotation removes it at the next start.
    }
    throw;
  }
  // The database names the new key from here on; a crash before this rename
  // is finished at the next start (finish_interrupted_rotation).
  replace_gateway_key(state_dir_);
  log_info("gateway key rotated; every device must be reissued");
  return settings;
}

bool wipe_was_requested() {
  return wipe_requested;
}

}  // namespace picket::controller
