// picket gateway add | list | remove: the gateway hosts a controller drives
// (picketd --role controller), and what each said about a change that cut
// access off.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/when.hpp"

namespace picket::controller::cli {

using nlohmann::json;

void print_gateway_answers(const json& answer) {
  if (!answer.contains("gateways")) return;
  bool all_applied = true;
  for (const auto& gateway : answer.at("gateways")) {
    const auto outcome = gateway.at("outcome").get<std::string>();
    std::cout << "  gateway " << gateway.at("name").get<std::string>() << ": ";
    if (outcome == "applied") {
      std::cout << "applied in " << gateway.at("ms").get<std::int64_t>() << " ms\n";
    } else if (outcome == "failed") {
      all_applied = false;
      std::cout << "FAILED after " << gateway.at("ms").get<std::int64_t>()
                << " ms: " << gateway.at("error").get<std::string>() << "\n";
    } else {
      all_applied = false;
      std::cout << "UNREACHABLE\n";
    }
  }
  if (!all_applied)
    std::cerr << "picket: a gateway that did not apply the change gets it when it reconnects; "
                 "cut off from the controller, it drops every peer when its lease ends\n";
}

namespace {

void print_assignment(const json& assigned) {
  if (assigned.is_null()) {
    std::cout << "gateways: every one (also gateways enrolled later)\n";
  } else if (assigned.empty()) {
    std::cout << "gateways: none (the device connects nowhere)\n";
  } else {
    std::string list;
    for (const auto& name : assigned) list += (list.empty() ? "" : " ") + name.get<std::string>();
    std::cout << "gateways: only " << list << "\n";
  }
}

// `picket device gateways MEMBER LABEL [NAME... | --all | --none]`.
void add_assignment_command(CLI::App& app, Context& context) {
  auto* command = app.get_subcommand("device")->add_subcommand(
      "gateways", "show or change which gateway hosts serve a device (controller only)");
  static std::string member, label;
  static std::vector<std::string> names;
  static bool all = false, none = false;
  command->add_option("MEMBER", member, "member label")->required();
  command->add_option("LABEL", label, "device label")->required();
  auto* names_option = command->add_option("NAME", names, "serve it only on these gateway hosts");
  auto* all_option =
      command->add_flag("--all", all, "serve it on every gateway, also ones enrolled later");
  auto* none_option =
      command->add_flag("--none", none, "serve it on no gateway (it stays, but connects nowhere)");
  names_option->excludes(all_option)->excludes(none_option);
  all_option->excludes(none_option);
  command->callback([&context] {
    const auto path =
        "/api/v1/members/" + encode(member) + "/devices/" + encode(label) + "/assigned-gateways";
    const bool change = all || none || !names.empty();
    json body{{"assigned_gateways", all ? json(nullptr) : json(names)}};
    const auto answer = change ? context.call("PUT", path, body) : context.call("GET", path);
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    print_assignment(answer.at("assigned_gateways"));
    print_gateway_answers(answer);
    if (change)
      std::cout << "Its configs for gateways it left no longer connect; for a gateway it "
                   "joined, hand out a config with `picket device reissue`.\n";
  });
}

}  // namespace

void add_gateway_commands(CLI::App& app, Context& context) {
  auto* gateway =
      app.add_subcommand("gateway", "gateway hosts this controller drives (--role controller)");
  gateway->require_subcommand(1);

  auto* add = gateway->add_subcommand(
      "add", "print a one-time token that enrols a new gateway host under NAME");
  static std::string add_name, add_endpoint;
  static std::int64_t valid_minutes = 60;
  add->add_option("name", add_name, "the gateway's name (a-z, 0-9, '-')")->required();
  add->add_option("--endpoint", add_endpoint,
                  "HOST:PORT members' apps dial this gateway at (its public address and "
                  "WireGuard port)")
      ->required();
  add->add_option("--valid", valid_minutes, "minutes the token may be used in")
      ->check(CLI::Range(1, 7 * 24 * 60))
      ->capture_default_str();
  add->callback([&context] {
    const auto answer = context.call(
        "POST", "/api/v1/gateways",
        json{{"name", add_name}, {"endpoint", add_endpoint}, {"valid_for", valid_minutes * 60}});
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    // The token alone on stdout, so that `picket gateway add x | ssh gw
    // picket-gateway enrol -` works; the rest goes to stderr.
    std::cout << answer.at("token").get<std::string>() << "\n";
    std::cerr << "On the gateway host, within " << valid_minutes
              << " minutes, run:\n  picket-gateway enrol TOKEN\n"
              << "It will dial " << answer.at("controller").get<std::string>()
              << " and pin this controller's key " << answer.at("controller_pin").get<std::string>()
              << ".\nThe token is a secret until it is used: pass it over SSH, not chat.\n"
              << "Devices added from now on get a config for it (members dial "
              << answer.at("endpoint").get<std::string>()
              << "); devices added before need `picket device reissue` to use it.\n";
  });

  auto* list =
      gateway->add_subcommand("list", "the enrolled gateways and whether they are current");
  list->callback([&context] {
    const auto answer = context.call("GET", "/api/v1/gateways");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    const auto& gateways = answer.at("gateways");
    if (gateways.empty()) {
      std::cout << "No gateway is enrolled; `picket gateway add NAME` makes a token.\n";
      return;
    }
    for (const auto& entry : gateways) {
      std::cout << entry.at("name").get<std::string>() << "  ";
      if (!entry.at("connected").get<bool>())
        std::cout << "not connected";
      else
        std::cout << (entry.at("current").get<bool>() ? "connected, current"
                                                      : "connected, catching up")
                  << ", heard " << entry.at("heard_seconds_ago").get<std::int64_t>() << " s ago";
      std::cout << "  members dial " << entry.at("endpoint").get<std::string>()
                << "  key fingerprint " << entry.at("fingerprint").get<std::string>() << "  pin "
                << entry.at("pin").get<std::string>() << "\n";
    }
  });

  auto* remove = gateway->add_subcommand(
      "remove", "forget a gateway host (seized, retired): it can no longer connect");
  static std::string remove_name;
  remove->add_option("name", remove_name, "the gateway's name")->required();
  remove->callback([&context] {
    const auto answer = context.call("DELETE", "/api/v1/gateways/" + remove_name);
    if (context.json_output)
      std::cout << answer.dump(2) << "\n";
    else
      std::cout << "Removed gateway " << remove_name
                << ": its connection is closed and it may not come back. It drops every peer "
                   "when its lease ends; to end it sooner, stop picket-gateway on that host.\n";
  });

  add_assignment_command(app, context);
}

}  // namespace picket::controller::cli
