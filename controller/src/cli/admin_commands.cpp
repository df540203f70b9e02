#include <iostream>

#include "cli/commands.hpp"
#include "cli/table.hpp"

namespace picket::controller::cli {

void add_admin_commands(CLI::App& app, Context& context) {
  auto* admin = app.add_subcommand("admin", "admin accounts of the web UI and HTTP API");
  admin->require_subcommand(1);

  auto* setup = admin->add_subcommand(
      "setup-url", "print the one-time link that creates the first admin (first run only)");
  setup->callback([&context] {
    auto answer = context.call("GET", "/api/v1/setup");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    if (answer.at("setup_token").is_null()) {
      throw CliError("setup is done: an admin exists; log in, or ask another admin for an account");
    }
    std::cout << "Open this on a device connected to the VPN (or through an SSH tunnel to "
                 "127.0.0.1), then create the first admin:\n  "
              << answer.at("url").get<std::string>()
              << "\nSetup token: " << answer.at("setup_token").get<std::string>() << "\n";
  });

  auto* list = admin->add_subcommand("list", "list admin accounts");
  list->callback([&context] {
    auto answer = context.call("GET", "/api/v1/admins");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows{{"ADMIN", "RECOVERY CODES LEFT"}};
    for (const auto& a : answer.at("admins"))
      rows.push_back({a.at("username"), std::to_string(a.at("recovery_codes_left").get<int>())});
    print_table(rows);
  });

  // A locked-out admin (lost phone, forgotten password) gets a one-time link
  // from root, as the first admin got the setup link.
  for (const auto& [what, help] :
       {std::pair<std::string, std::string>{"totp",
                                            "a new authenticator app and recovery codes "
                                            "(the admin's password is still needed)"},
        {"password", "a new password (the authenticator app is still needed to log in)"}}) {
    auto* reset =
        admin->add_subcommand("reset-" + what, "print a one-time link that gives an admin " + help);
    static std::string reset_name[2];
    auto& name = reset_name[what == "totp" ? 0 : 1];
    reset->add_option("USERNAME", name, "admin username")->required();
    reset->callback([&context, &name, what] {
      auto answer =
          context.call("POST", "/api/v1/admins/" + encode(name) + "/reset-link", {{"what", what}});
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
        return;
      }
      std::cout << "Give " << name << " this link in person or over a channel you trust; it works "
                << "once, for 24 hours or until picketd restarts, through the VPN (or an SSH "
                << "tunnel to 127.0.0.1):\n  " << answer.at("url").get<std::string>()
                << "\nUsing it ends " << name << "'s sessions.\n";
    });
  }

  auto* unlock =
      admin->add_subcommand("unlock", "let an admin locked out by failed logins try again at once");
  static std::string locked_name;
  unlock->add_option("USERNAME", locked_name, "admin username")->required();
  unlock->callback([&context] {
    auto answer = context.call("POST", "/api/v1/admins/" + encode(locked_name) + "/unlock");
    if (context.json_output)
      std::cout << answer.dump(2) << "\n";
    else
      std::cout << "Admin " << locked_name
                << " may log in again; failed attempts from every address are forgotten too.\n";
  });

  auto* remove = admin->add_subcommand("remove", "remove an admin account and end its sessions");
  static std::string username;
  remove->add_option("USERNAME", username, "admin username")->required();
  remove->callback([&context] {
    auto answer = context.call("DELETE", "/api/v1/admins/" + encode(username));
    if (context.json_output)
      std::cout << answer.dump(2) << "\n";
    else
      std::cout << "Admin " << username << " removed; its sessions are ended.\n";
  });
}

}  // namespace picket::controller::cli
