// `picket device access` and `picket firewall`: what devices may reach.
#include <iostream>

#include "cli/commands.hpp"

namespace picket::controller::cli {

using nlohmann::json;

namespace {

void print_access(const json& access) {
  const auto& restricted = access.at("restricted_to");
  std::cout << "reaches: ";
  if (restricted.is_null()) {
    std::cout << "anywhere (unrestricted)\n";
  } else if (restricted.empty()) {
    std::cout << "only the gateway's DNS and admin API\n";
  } else {
    std::string list;
    for (const auto& cidr : restricted) list += (list.empty() ? "" : " ") + cidr.get<std::string>();
    std::cout << "only " << list << "\n";
  }
  const auto& group = access.at("group");
  std::cout << "group: " << (group.is_null() ? "none" : group.get<std::string>()) << "\n";
}

}  // namespace

void add_firewall_commands(CLI::App& app, Context& context) {
  auto* device = app.get_subcommand("device");
  {
    auto* access = device->add_subcommand(
        "access", "show or change what a device may reach (restriction, group)");
    static std::string member, label, group;
    static std::vector<std::string> restrict_to;
    static bool unrestrict = false, no_group = false, nothing = false;
    access->add_option("MEMBER", member, "member label")->required();
    access->add_option("LABEL", label, "device label")->required();
    auto* restrict_option = access->add_option(
        "--restrict", restrict_to, "let the device reach only these CIDRs (besides the gateway)");
    auto* nothing_option =
        access->add_flag("--restrict-all", nothing, "let it reach only the gateway's services");
    auto* unrestrict_option = access->add_flag("--unrestrict", unrestrict, "lift the restriction");
    auto* group_option =
        access->add_option("--group", group, "put it in a group whose devices reach each other");
    auto* no_group_option = access->add_flag("--no-group", no_group, "take it out of its group");
    restrict_option->excludes(unrestrict_option)->excludes(nothing_option);
    unrestrict_option->excludes(nothing_option);
    group_option->excludes(no_group_option);
    access->callback([&context] {
      const auto path =
          "/api/v1/members/" + encode(member) + "/devices/" + encode(label) + "/access";
      json body = json::object();
      if (!restrict_to.empty()) body["restricted_to"] = restrict_to;
      if (nothing) body["restricted_to"] = json::array();
      if (unrestrict) body["restricted_to"] = nullptr;
      if (!group.empty()) body["group"] = group;
      if (no_group) body["group"] = nullptr;
      const auto answer =
          body.empty() ? context.call("GET", path) : context.call("PUT", path, body);
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
      } else {
        print_access(answer);
      }
    });
  }
  {
    auto* firewall = app.add_subcommand("firewall", "show or change member isolation");
    static std::string member_to_member;
    firewall
        ->add_option("--member-to-member", member_to_member,
                     "allow: members' devices reach each other; deny: isolated (the default)")
        ->check(CLI::IsMember({"allow", "deny"}));
    firewall->callback([&context] {
      const auto answer = member_to_member.empty()
                              ? context.call("GET", "/api/v1/firewall")
                              : context.call("PUT", "/api/v1/firewall",
                                             {{"member_to_member", member_to_member == "allow"}});
      if (context.json_output) {
        std::cout << answer.dump(2) << "\n";
      } else {
        std::cout << "members' devices "
                  << (answer.at("member_to_member").get<bool>()
                          ? "reach each other\n"
                          : "are isolated from each other (groups excepted)\n");
      }
    });
  }
}

}  // namespace picket::controller::cli
