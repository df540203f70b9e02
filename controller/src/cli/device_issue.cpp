// `device add` and `device reissue`. The key pair is made here, on the
// admin's side: only the public key travels to picketd (DESIGN.md,
// principle 3), so the QR code and the files are the only places the private
// key ever is. Whatever could stop the config from reaching the member is
// checked before picketd is asked for anything; what still fails afterwards
// is undone, so no member is left without a working config:
//   add:     check, add, hand out; if handing out fails, revoke the device.
//   reissue: check, hand out the whole new config (the preshared key is made
//            here too), then swap the key; the old key works until then.
#include "cli/device_issue.hpp"

#include <csignal>
#include <ctime>
#include <memory>
#include <optional>

#include "cli/client_output.hpp"
#include "cli/gateway_configs.hpp"
#include "cli/output_files.hpp"
#include "cli/when.hpp"
#include "picket/controller/service.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

struct IssueArgs {
  DeviceArgs device;
  std::string pubkey;
  ClientOutput output;
  bool no_qr = false;
  bool no_dns = false;
  std::string who() const { return device.member + "/" + device.label; }
};

void add_issue_arguments(CLI::App* command, IssueArgs& args) {
  add_device_arguments(command, args.device);
  command->add_option("--pubkey", args.pubkey,
                      "use this public key instead of generating a key pair here (the member "
                      "then holds the private key and writes the config)");
  command->add_option("--conf", args.output.conf_file,
                      "also write the client config to FILE (mode 0600)");
  command->add_option("--svg", args.output.svg_file,
                      "also write the QR code as SVG to FILE (mode 0600)");
  command->add_flag("--no-qr", args.no_qr, "do not print the QR code in the terminal");
  command->add_flag("--no-dns", args.no_dns,
                    "leave the DNS line out: the device keeps its own resolver");
}

// Everything the options alone tell, refused before any request.
void check_options(IssueArgs& args, const Context& context) {
  // A closed pipe must give an error to undo, not kill the CLI mid-way.
  std::signal(SIGPIPE, SIG_IGN);
  args.output.show_qr = !args.no_qr;
  args.output.json_output = context.json_output;
  args.output.dns = !args.no_dns;
  if (!args.pubkey.empty() && args.output.has_file()) {
    throw CLI::ValidationError("--pubkey",
                               "the member holds the private key, so there is no config here for "
                               "--conf or --svg to write; leave them out");
  }
  if (!args.pubkey.empty() && args.no_dns) {
    throw CLI::ValidationError("--pubkey", "--no-dns shapes a config made here; leave it out");
  }
}

std::string parse_pubkey(const std::string& text) {
  try {
    return gateway::parse_public_key(text).base64();
  } catch (const std::exception& e) {
    throw CLI::ValidationError("--pubkey", e.what());
  }
}

// Networks, each once, at most kMaxSplitEntries: the same rule picketd
// applies, checked before asking it.
json split_list(const std::vector<std::string>& entries) {
  std::vector<gateway::Cidr> unique;
  for (const auto& text : entries) {
    gateway::Cidr network;
    try {
      network = gateway::Cidr::parse(text).network();
    } catch (const std::exception& e) {
      throw CLI::ValidationError("--split", e.what());
    }
    if (std::find(unique.begin(), unique.end(), network) == unique.end()) unique.push_back(network);
  }
  try {
    check_split_entries(unique.size());
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError("--split", e.what());
  }
  json out = json::array();
  for (const auto& cidr : unique) out.push_back(cidr.str());
  return out;
}

// The --conf and --svg files of every config: one set per gateway host
// (named after it, see file_for), made before picketd is asked anything.
class Files {
 public:
  // `listing` is the settings or a device answer: its gateways name the
  // files.
  Files(const ClientOutput& output, const json& listing) {
    const auto& gateways = listing.contains("client")
                               ? listing.at("client").value("gateways", json::array())
                               : listing.value("gateways", json::array());
    if (gateways.empty()) {
      sets_.push_back(std::make_unique<OutputFiles>(output.conf_file, output.svg_file));
      return;
    }
    for (const auto& gateway : gateways) {
      const auto files = output_for(output, gateway.at("name").get<std::string>());
      names_.push_back(gateway.at("name").get<std::string>());
      sets_.push_back(std::make_unique<OutputFiles>(files.conf_file, files.svg_file));
    }
  }
  // Throws CliError when the configs are not for the gateways the files
  // were made for (one was enrolled or removed meanwhile).
  void write(const std::vector<IssuedConfig>& configs) {
    if (configs.size() != sets_.size())
      throw CliError("the gateways changed while the config was made; run the command again");
    for (std::size_t i = 0; i < configs.size(); ++i) {
      if (!names_.empty() && names_[i] != configs[i].gateway)
        throw CliError("the gateways changed while the config was made; run the command again");
      sets_[i]->write(configs[i].text);
    }
  }
  void commit() {
    for (auto& set : sets_) set->commit();
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<OutputFiles>> sets_;
};

std::vector<std::string> texts_of(const std::vector<IssuedConfig>& configs) {
  std::vector<std::string> out;
  for (const auto& config : configs) out.push_back(config.text);
  return out;
}

[[noreturn]] void undo_add(Context& context, const IssueArgs& args, const std::string& why) {
  try {
    context.call("DELETE", args.device.path());
  } catch (const std::exception& e) {
    throw CliError("the config could not be handed out (" + why +
                   ") and revoking the new device failed too (" + e.what() +
                   "): revoke it with `picket device revoke " + args.device.member + " " +
                   args.device.label + "`");
  }
  throw CliError("the config could not be handed out (" + why +
                 "), so the new device was revoked again: nothing was changed");
}

void add_command(Context& context, IssueArgs& args, const json& request_body) {
  json body = request_body;
  const auto path = "/api/v1/members/" + encode(args.device.member) + "/devices";
  if (!args.pubkey.empty()) {
    body["public_key"] = parse_pubkey(args.pubkey);
    const auto answer = context.call("POST", path, body);
    write_stdout(args.output.json_output ? answer.dump(2) + "\n" : public_key_text(answer));
    return;
  }
  const auto private_key = gateway::generate_private_key();
  body["public_key"] = gateway::public_key_of(private_key).base64();
  const int columns = terminal_columns();
  // The files are made for the gateways the device will be on.
  const auto settings = with_assigned_gateways(context.call("GET", "/api/v1/settings"),
                                               body.value("assigned_gateways", json()));
  const bool terminal = plan_terminal_qrs(
      args.output, issued_configs(answer_for_add(settings, body), private_key, args.output.dns),
      columns);
  Files files(args.output, settings);

  const auto answer = context.call("POST", path, body);
  try {
    const auto configs = issued_configs(answer, private_key, args.output.dns);
    files.write(configs);
    write_stdout(
        configs_text(answer, configs, args.output, terminal, columns) +
        configs_handover_text(answer, configs, args.output, terminal, "Device " + args.who()));
    files.commit();
  } catch (const std::exception& e) {
    undo_add(context, args, e.what());
  }
}

void reissue_command(Context& context, IssueArgs& args) {
  const auto path = args.device.path() + "/reissue";
  if (!args.pubkey.empty()) {
    const auto answer = context.call("POST", path, {{"public_key", parse_pubkey(args.pubkey)}});
    write_stdout(args.output.json_output ? answer.dump(2) + "\n" : public_key_text(answer));
    return;
  }
  const auto device = context.call("GET", args.device.path());
  if (args.pubkey.empty() && !args.output.json_output && args.no_qr && !args.output.has_file()) {
    throw CLI::ValidationError(
        "--no-qr",
        "without --conf FILE or --svg FILE the new key would be shown nowhere and the "
        "old one would stop working: the member would have no working config");
  }
  try {
    check_split_entries(device.at("allowed_ips").size());
  } catch (const std::invalid_argument& e) {
    throw CliError(std::string(e.what()) +
                   "; revoke the device and add it again; nothing was "
                   "changed");
  }
  auto settings = context.call("GET", "/api/v1/settings");
  // On a controller, only the gateways the device is assigned to.
  if (!settings.value("gateways", json::array()).empty())
    settings = with_assigned_gateways(
        settings,
        context.call("GET", args.device.path() + "/assigned-gateways").at("assigned_gateways"));
  const auto private_key = gateway::generate_private_key();
  const auto preshared_key = gateway::generate_preshared_key();
  const auto planned = answer_for_reissue(device, settings, preshared_key.base64());
  const auto configs = issued_configs(planned, private_key, args.output.dns);
  const int columns = terminal_columns();
  const bool terminal = plan_terminal_qrs(args.output, configs, columns);

  // Handed out in full before the swap: a failure up to here changes nothing.
  Files files(args.output, settings);
  try {
    files.write(configs);
    write_stdout(configs_text(planned, configs, args.output, terminal, columns));
  } catch (const CliError& e) {
    throw CliError(std::string(e.what()) +
                   "; the device was not reissued: its old key still works, nothing was changed");
  }

  json answer;
  try {
    answer = context.call("POST", path,
                          {{"public_key", gateway::public_key_of(private_key).base64()},
                           {"preshared_key", preshared_key.base64()}});
  } catch (const std::exception& e) {
    throw CliError(std::string(e.what()) +
                   "; the device was NOT reissued: its old key still works, and the new config " +
                   (terminal || args.output.json_output ? "shown above " : "") + "is void");
  }
  // Settings (or gateways) changed by someone else since they were read
  // make picketd's answer differ from what was handed out: hand out the
  // right one.
  const auto final_configs = issued_configs(answer, private_key, args.output.dns);
  if (texts_of(final_configs) != texts_of(configs)) {
    Files final_files(args.output, answer);
    final_files.write(final_configs);
    final_files.commit();
    write_stdout((args.output.json_output
                      ? ""
                      : "The gateway's settings changed meanwhile: this code replaces "
                        "the one above.\n") +
                 configs_text(answer, final_configs, args.output, terminal, columns));
  } else {
    files.commit();
  }
  write_stdout(
      configs_handover_text(answer, final_configs, args.output, terminal,
                            "Device " + args.who() + " reissued, its old key no longer works"));
}

}  // namespace

void add_device_arguments(CLI::App* command, DeviceArgs& args) {
  command->add_option("MEMBER", args.member, "member label")->required();
  command->add_option("LABEL", args.label, "device label")->required();
}

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

void add_issue_commands(CLI::App* device, Context& context) {
  {
    auto* add = device->add_subcommand("add", "add a device and print its QR code");
    static IssueArgs args;
    static std::string expires;
    static std::vector<std::string> split, restrict_to;
    static std::string group;
    static std::optional<int> keepalive, mtu;
    add_issue_arguments(add, args);
    add->add_option("--expires", expires,
                    "cut off after: 90m, 12h, 30d, 2w, 2026-12-01T18:00:00Z or @UNIX");
    add->add_option("--split", split,
                    "route only these CIDRs through the tunnel (split tunnel; at most " +
                        std::to_string(kMaxSplitEntries) +
                        "); the gateway's DNS addresses are routed too");
    add->add_option("--keepalive", keepalive,
                    "client PersistentKeepalive seconds (0 = off; default 25)");
    add->add_option("--mtu", mtu, "client MTU (default: the app decides)");
    add->add_option("--restrict", restrict_to,
                    "let it reach only these CIDRs (enforced by the gateway)");
    add->add_option("--group", group, "put it in a group whose devices reach each other");
    static std::vector<std::string> on_gateways;
    add->add_option("--gateway", on_gateways,
                    "serve it only on this gateway host (repeat for several; default: every "
                    "gateway, also ones enrolled later; controller only)");
    add->callback([&context] {
      check_options(args, context);
      json body = {{"label", args.device.label}};
      if (!split.empty()) body["allowed_ips"] = split_list(split);
      if (!expires.empty()) body["expires_at"] = parse_when(expires, unix_now());
      if (keepalive) body["keepalive"] = *keepalive;
      if (mtu) body["mtu"] = *mtu;
      if (!restrict_to.empty()) body["restricted_to"] = restrict_to;
      if (!group.empty()) body["group"] = group;
      if (!on_gateways.empty()) body["assigned_gateways"] = on_gateways;
      add_command(context, args, body);
    });
  }
  {
    auto* reissue = device->add_subcommand(
        "reissue",
        "new key pair for a device; the old key stops working once the new config is "
        "handed out");
    static IssueArgs args;
    add_issue_arguments(reissue, args);
    reissue->callback([&context] {
      check_options(args, context);
      reissue_command(context, args);
    });
  }
}

}  // namespace picket::controller::cli
