// picket unlock: hands the passphrase of locked mode to picketd over the
// root-only unix socket. The first unlock of a new (or a plain) state sets
// the passphrase, so it is asked twice then.
#include <sodium.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"

namespace picket::controller::cli {

namespace {

constexpr std::size_t kMinPassphrase = 12;

}  // namespace

void add_unlock_command(CLI::App& app, Context& context) {
  auto* unlock = app.add_subcommand(
      "unlock", "enter the passphrase of a picketd started with --locked, so that it serves");
  static bool from_stdin = false;
  unlock->add_flag("--passphrase-stdin", from_stdin,
                   "read the passphrase from the first line of standard input");
  unlock->callback([&context] {
    const auto state = context.call("GET", "/api/v1/unlock");
    if (!state.value("locked_mode", false)) {
      throw CliError("picketd does not run in locked mode (start it with --locked)");
    }
    if (state.value("unlocked", false)) {
      std::cout << "picketd is already unlocked.\n";
      return;
    }
    const bool creating = !state.value("sealed_state", false);
    std::string passphrase = read_passphrase(
        creating ? "New unlock passphrase" : "Unlock passphrase", creating, from_stdin);
    nlohmann::json body{{"passphrase", passphrase}};
    sodium_memzero(passphrase.data(), passphrase.size());
    if (creating && body["passphrase"].get_ref<const std::string&>().size() < kMinPassphrase) {
      throw CliError("the passphrase must have at least 12 characters; nothing was created");
    }
    if (!context.json_output) std::cerr << "Unlocking (the key derivation takes a moment)...\n";
    nlohmann::json answer;
    try {
      answer = context.call("POST", "/api/v1/unlock", body);
    } catch (...) {
      auto& text = body["passphrase"].get_ref<std::string&>();
      sodium_memzero(text.data(), text.size());
      throw;
    }
    auto& text = body["passphrase"].get_ref<std::string&>();
    sodium_memzero(text.data(), text.size());
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    const auto how = answer.value("sealed_state", std::string());
    if (how == "created") {
      std::cout << "Unlocked. A new sealed state was created: keep the passphrase safe, without it "
                   "the state cannot be opened again.\n";
    } else if (how == "converted") {
      std::cout << "Unlocked. The plain state was sealed under this passphrase and its files "
                   "shredded.\n";
    } else {
      std::cout << "Unlocked; picketd is serving.\n";
    }
  });
}

}  // namespace picket::controller::cli
