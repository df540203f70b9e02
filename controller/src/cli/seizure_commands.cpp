// picket wipe | burn | member revoke-devices | rotate-key: the commands for
// when the server or a device may be seized. Each asks for a typed
// confirmation (or takes it from --confirm, for scripts).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/offline_wipe.hpp"
#include "cli/prompt.hpp"
#include "state/state_files.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

// After the answer picketd shuts down; it removes its socket on the way out.
void wait_for_exit(const std::filesystem::path& socket) {
  using namespace std::chrono_literals;
  for (int i = 0; i < 300; ++i) {
    struct stat info {};
    if (::lstat(socket.c_str(), &info) != 0) return;
    std::this_thread::sleep_for(100ms);
  }
  std::cerr << "picket: picketd has not stopped yet; check that it exited\n";
}

void add_wipe(CLI::App& app, Context& context) {
  auto* wipe = app.add_subcommand(
      "wipe",
      "PANIC WIPE: cut every member off, remove the interface, destroy database and keys, "
      "stop picketd");
  static std::string confirmation;
  static std::filesystem::path state_dir = kDefaultStateDir;
  wipe->add_option("--confirm", confirmation, "the confirmation phrase: 'wipe everything'");
  wipe->add_option("--state-dir", state_dir,
                   "picketd's state directory, wiped directly when picketd is not running")
      ->capture_default_str();
  wipe->callback([&context] {
    confirm(
        "This removes every peer and the WireGuard interface, overwrites and deletes the database "
        "and the gateway key, and stops picketd. Only an encrypted backup can bring it back.",
        "wipe everything", confirmation);
    // A stopped or crashed picketd leaves the interface up with its peers and
    // every file in place: wipe without it rather than fail.
    if (picketd_unreachable(context.socket_path)) {
      std::cerr << "picketd is not running; wiping " << state_dir.string() << " directly\n";
      const auto problems = wipe_offline(state_dir);
      if (!problems.empty()) {
        std::string message = "the wipe finished with errors (every other step was done):";
        for (const auto& problem : problems) message += " " + problem + ";";
        throw CliError(message);
      }
      std::cout << "Wiped: peers, interface, firewall table, database and gateway key are gone.\n";
      return;
    }
    json answer;
    try {
      answer = context.call("POST", "/api/v1/wipe", {{"confirm", "wipe everything"}});
    } catch (const CliError& e) {
      // A 500 carries the steps that failed; the rest was still done.
      throw CliError(std::string("the wipe reported problems: ") + e.what());
    }
    wait_for_exit(context.socket_path);
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cout << "Wiped: peers, interface, firewall table, database and gateway key are gone; "
                   "picketd has stopped.\n";
    }
  });
}

void add_burn(CLI::App& app, Context& context) {
  auto* burn = app.add_subcommand("burn", "revoke every device of every member at once");
  static std::string confirmation;
  burn->add_option("--confirm", confirmation, "the confirmation phrase: 'burn'");
  burn->callback([&context] {
    confirm("This revokes every device of every member; each must be re-added to connect again.",
            "burn", confirmation);
    const auto answer = context.call("POST", "/api/v1/burn", {{"confirm", "burn"}});
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cout << "Burned: " << answer.at("revoked").get<std::size_t>()
                << " devices revoked and cut off. Members stay; add new devices for them.\n";
      print_gateway_answers(answer);
    }
  });
}

void add_revoke_devices(CLI::App& app, Context& context) {
  auto* member = app.get_subcommand("member");
  auto* revoke = member->add_subcommand(
      "revoke-devices", "revoke every device of a member at once (the member stays)");
  static std::string label, confirmation;
  revoke->add_option("MEMBER", label, "member label")->required();
  revoke->add_option("--confirm", confirmation, "the member's label again");
  revoke->callback([&context] {
    confirm("This revokes every device of member " + label + ".", label, confirmation);
    const auto answer = context.call("POST", "/api/v1/members/" + encode(label) + "/revoke-devices",
                                     {{"confirm", label}});
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cout << "Revoked " << answer.at("revoked").get<std::size_t>() << " devices of " << label
                << "; they are cut off.\n";
      print_gateway_answers(answer);
    }
  });
}

void add_rotate_key(CLI::App& app, Context& context) {
  auto* rotate = app.add_subcommand(
      "rotate-key", "new gateway key pair; every existing client config stops working");
  static std::string confirmation;
  rotate->add_option("--confirm", confirmation, "the confirmation phrase: 'rotate'");
  rotate->callback([&context] {
    confirm(
        "WireGuard holds one key per interface: every member's config names the old gateway key "
        "and stops working now. Reissue each device (picket device reissue MEMBER LABEL) and "
        "hand out the new QR codes.",
        "rotate", confirmation);
    const auto answer = context.call("POST", "/api/v1/gateway-key/rotate", {{"confirm", "rotate"}});
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    std::cout << "Gateway key rotated. New key fingerprint: "
              << answer.at("fingerprint").get<std::string>() << "\n";
    const auto& reissue = answer.at("reissue");
    if (reissue.empty()) return;
    std::cout << reissue.size() << " devices need a new config:\n";
    for (const auto& device : reissue) {
      std::cout << "  picket device reissue " << device.at("member").get<std::string>() << " "
                << device.at("device").get<std::string>() << "\n";
    }
  });
}

}  // namespace

void add_seizure_commands(CLI::App& app, Context& context) {
  add_wipe(app, context);
  add_burn(app, context);
  add_revoke_devices(app, context);
  add_rotate_key(app, context);
}

}  // namespace picket::controller::cli
