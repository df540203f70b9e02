#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "api/seizure_hooks.hpp"
#include "picket/controller/service.hpp"
#include "state/locked_state.hpp"

namespace picket::controller {

// The daemon's side of the panic wipe and of gateway key rotation.
class SeizureRuntime {
 public:
  SeizureRuntime(boost::asio::io_context& io, Service& service, Store& store,
                 std::filesystem::path state_dir, StateSealer* sealer = nullptr)
      : io_(io),
        service_(service),
        store_(store),
        state_dir_(std::move(state_dir)),
        sealer_(sealer),
        stop_timer_(io) {}

  api::SeizureHooks hooks() {
    return {[this] { return wipe(); }, [this] { return rotate_key(); }};
  }

  // Cuts every member off, removes the interface and the firewall table,
  // erases and shreds the database and the key files (or the sealed state), then stops the
  // io_context shortly after (so the answer still reaches the caller).
  std::vector<std::string> wipe();
  Settings rotate_key();

 private:
  boost::asio::io_context& io_;
  Service& service_;
  Store& store_;
  std::filesystem::path state_dir_;
  // Locked mode: the gateway key lives in the sealed state, not in files.
  StateSealer* sealer_;
  boost::asio::steady_timer stop_timer_;
};

// Set once a wipe ran; picketd's main then shreds whatever SQLite may have
// left or re-created after its connection closed.
bool wipe_was_requested();

}  // namespace picket::controller
