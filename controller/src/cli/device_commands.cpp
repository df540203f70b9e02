#include <array>
#include <ctime>
#include <iostream>
#include <optional>

#include "cli/client_output.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "cli/when.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

struct DeviceArgs {
  std::string member;
  std::string label;
  std::string path() const {
    return "/api/v1/members/" + encode(member) + "/devices/" + encode(label);
  }
};

struct KeyArgs {
  std::string pubkey;
  ClientOutput output;
  bool no_qr = false;
};

void add_device_arguments(CLI::App* command, DeviceArgs& args) {
  command->add_option("MEMBER", args.member, "member label")->required();
  command->add_option("LABEL", args.label, "device label")->required();
}

void add_key_arguments(CLI::App* command, KeyArgs& args) {
  command->add_option("--pubkey", args.pubkey,
                      "use this public key instead of generating a key pair here");
  command->add_option("--conf", args.output.conf_file,
                      "also write the client config to FILE (mode 0600)");
  command->add_option("--svg", args.output.svg_file,
                      "also write the QR code as SVG to FILE (mode 0600)");
  command->add_flag("--no-qr", args.no_qr, "do not print the QR code in the terminal");
}

// The key pair is made here, on the admin's side: only the public key
// travels to picketd (DESIGN.md, principle 3).
std::optional<gateway::SecretKey> key_pair(const KeyArgs& args, std::string& public_key) {
  if (!args.pubkey.empty()) {
    try {
      public_key = gateway::parse_public_key(args.pubkey).base64();
    } catch (const gateway::Error& e) {
      throw CliError(std::string("--pubkey: ") + e.what());
    }
    return std::nullopt;
  }
  auto private_key = gateway::generate_private_key();
  public_key = gateway::public_key_of(private_key).base64();
  return private_key;
}

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

  {
    auto* add = device->add_subcommand("add", "add a device and print its QR code");
    static DeviceArgs args;
    static KeyArgs keys;
    static std::string expires;
    static std::vector<std::string> split, restrict_to;
    static std::string group;
    static std::optional<int> keepalive, mtu;
    add_device_arguments(add, args);
    add_key_arguments(add, keys);
    add->add_option("--expires", expires,
                    "cut off after: 90m, 12h, 30d, 2w, 2026-12-01T18:00:00Z or @UNIX");
    add->add_option("--split", split, "route only these CIDRs through the tunnel (split tunnel)");
    add->add_option("--keepalive", keepalive,
                    "client PersistentKeepalive seconds (0 = off; default 25)");
    add->add_option("--mtu", mtu, "client MTU (default: the app decides)");
    add->add_option("--restrict", restrict_to,
                    "let it reach only these CIDRs (enforced by the gateway)");
    add->add_option("--group", group, "put it in a group whose devices reach each other");
    add->callback([&context] {
      json body = {{"label", args.label}};
      std::string public_key;
      auto private_key = key_pair(keys, public_key);
      body["public_key"] = public_key;
      if (!split.empty()) body["allowed_ips"] = split;
      if (!expires.empty()) body["expires_at"] = parse_when(expires, now());
      if (keepalive) body["keepalive"] = *keepalive;
      if (mtu) body["mtu"] = *mtu;
      if (!restrict_to.empty()) body["restricted_to"] = restrict_to;
      if (!group.empty()) body["group"] = group;
      const auto answer =
          context.call("POST", "/api/v1/members/" + encode(args.member) + "/devices", body);
      keys.output.show_qr = !keys.no_qr;
      keys.output.json_output = context.json_output;
      print_client(answer, private_key, keys.output);
    });
  }
  {
    auto* reissue =
        device->add_subcommand("reissue", "new key pair for a device; the old key stops working");
    static DeviceArgs args;
    static KeyArgs keys;
    add_device_arguments(reissue, args);
    add_key_arguments(reissue, keys);
    reissue->callback([&context] {
      std::string public_key;
      auto private_key = key_pair(keys, public_key);
      const auto answer =
          context.call("POST", args.path() + "/reissue", {{"public_key", public_key}});
      keys.output.show_qr = !keys.no_qr;
      keys.output.json_output = context.json_output;
      print_client(answer, private_key, keys.output);
    });
  }
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
      const json body = {{"expires_at", never ? json(nullptr) : json(parse_when(at, now()))}};
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
