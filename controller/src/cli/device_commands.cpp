#include <array>
#include <ctime>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/device_issue.hpp"
#include "cli/table.hpp"
#include "cli/when.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

void print_devices(const json& devices) {
  std::vector<std::vector<std::string>> rows{
      {"MEMBER", "DEVICE", "IPV4", "IPV6", "STATE", "EXPIRES"}};
  for (const auto& d : devices) {
    const std::string state = !d.at("enabled").get<bool>() ? "disabled"
                              : d.at("active").get<bool>() ? "active"
                                                           : "expired";
    std::string expires = "never";
    if (!d.at("expires_at").is_null()) {
      const std::time_t when = d.at("expires_at").get<std::int64_t>();
      char text[32];
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
      expires = text;
    }
    rows.push_back({d.at("member"), d.at("label"), d.at("ipv4"), d.at("ipv6"), state, expires});
  }
  print_table(rows);
}

}  // namespace

void add_device_commands(CLI::App& app, Context& context) {
  auto* device = app.add_subcommand("device", "add, list and manage devices");
  device->require_subcommand(1);

  add_issue_commands(device, context);
  {
    auto* list = device->add_subcommand("list", "list devices");
    static std::string member;
    list->add_option("MEMBER", member, "only this member's devices");
    list->callback([&context] {
      const auto answer = context.call(
          "GET", member.empty() ? "/api/v1/devices" : "/api/v1/devices?member=" + encode(member));
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
      } else {
        print_devices(answer.at("devices"));
      }
    });
  }
  {
    auto* show = device->add_subcommand("show", "show one device");
    static DeviceArgs args;
    add_device_arguments(show, args);
    show->callback([&context] {
      const auto answer = context.call("GET", args.path());
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
        return;
      }
      print_devices(json::array({answer}));
      std::cout << "public key: " << answer.at("public_key").get<std::string>() << "\n";
    });
  }
  static std::array<DeviceArgs, 3> action_args;
  const std::array<const char*, 3> actions{"disable", "enable", "revoke"};
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string name = actions[i];
    auto* command = device->add_subcommand(
        name, name == "revoke"    ? "cut a device off for good and release its addresses"
              : name == "disable" ? "cut a device off, keeping it for later"
                                  : "let a disabled device back in");
    auto* args = &action_args[i];
    add_device_arguments(command, *args);
    command->callback([&context, args, name] {
      const auto answer = name == "revoke" ? context.call("DELETE", args->path())
                                           : context.call("POST", args->path() + "/" + name);
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
      } else {
        const auto who = args->member + "/" + args->label;
        std::cout << (name == "revoke" ? "Revoked " + who + ": it is cut off and its key is gone.\n"
                      : name == "disable" ? "Disabled " + who + ": it is cut off.\n"
                                          : "Enabled " + who + ".\n");
        print_gateway_answers(answer);
      }
    });
  }
  {
    auto* expire = device->add_subcommand("expire", "set or clear a device's expiry");
    static DeviceArgs args;
    static std::string at;
    static bool never = false;
    add_device_arguments(expire, args);
    auto* at_option =
        expire->add_option("--at", at, "90m, 12h, 30d, 2w, 2026-12-01T18:00:00Z or @UNIX");
    auto* never_option = expire->add_flag("--never", never, "clear the expiry");
    at_option->excludes(never_option);
    expire->callback([&context] {
      if (at.empty() && !never) throw CliError("give --at WHEN or --never");
      const json body = {{"expires_at", never ? json(nullptr) : json(parse_when(at, unix_now()))}};
      const auto answer = context.call("PUT", args.path() + "/expiry", body);
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
      } else {
        print_devices(json::array({answer}));
      }
    });
  }
}

}  // namespace picket::controller::cli
