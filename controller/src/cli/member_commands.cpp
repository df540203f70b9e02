#include <iostream>

#include "cli/commands.hpp"
#include "cli/table.hpp"

namespace picket::controller::cli {

void add_member_commands(CLI::App& app, Context& context) {
  auto* member = app.add_subcommand("member", "add, list and remove members");
  member->require_subcommand(1);

  auto* add = member->add_subcommand("add", "add a member (a pseudonymous label)");
  static std::string label, note;
  add->add_option("LABEL", label, "pseudonymous label: a-z, 0-9 and '-'")->required();
  add->add_option("--note", note, "free text note (kept on the server: write nothing identifying)");
  add->callback([&context] {
    auto answer = context.call("POST", "/api/v1/members", {{"label", label}, {"note", note}});
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cout << "Member " << answer.at("label").get<std::string>() << " added.\n";
    }
  });

  auto* list = member->add_subcommand("list", "list members");
  list->callback([&context] {
    auto answer = context.call("GET", "/api/v1/members");
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows{{"MEMBER", "NOTE"}};
    for (const auto& m : answer.at("members")) rows.push_back({m.at("label"), m.at("note")});
    print_table(rows);
  });

  auto* remove = member->add_subcommand("remove", "remove a member and revoke all of its devices");
  static std::string remove_label;
  remove->add_option("LABEL", remove_label, "member label")->required();
  remove->callback([&context] {
    auto answer = context.call("DELETE", "/api/v1/members/" + encode(remove_label));
    if (context.json_output) {
      std::cout << answer.dump(2) << "\n";
    } else {
      std::cout << "Member " << remove_label << " removed; its devices are cut off.\n";
    }
  });
}

}  // namespace picket::controller::cli
