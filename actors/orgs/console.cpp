// org/<slug> and orgdomain/<host> in the admin console: an org as its owner sees it (pending
// invitations included), a user's role, and who holds a custom domain, for operators answering
// "why can't X manage this org" or "why does this host show that org".
#include <caf/all.hpp>

#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_entity.hpp"

namespace aethex::actors {

using namespace console;

adapter org_adapter() {
  adapter a;
  a.kind = "org";
  a.summary = "an organisation: members, roles, invitations, channels, branding";
  a.show_query = "get";
  auto parsed = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The organisation with its members, pending invitations and channels.",
        "ask org/acme get",
        message_of_args(org_cmd_atom::value, std::string{}, true, std::string{"read"},
                        std::string{"{}"}),
        parsed);
  a.ask("role", {{"user"}}, "One user's role (\"\" when not a member).", "ask org/acme role bob",
        message_of_args(org_role_atom::value),
        expecting<std::string>([](const std::string& role) -> caf::expected<json> {
          return json{{"role", role}};
        }));
  return a;
}

adapter org_domain_adapter() {
  adapter a;
  a.kind = "orgdomain";
  a.summary = "a custom domain: the organisation holding it";
  a.show_query = "holder";
  a.ask("holder", {}, "The slug of the organisation holding this host (\"\" when free).",
        "ask orgdomain/live.example.org holder", message_of_args(org_get_atom::value),
        expecting<std::string>([](const std::string& org) -> caf::expected<json> {
          return json{{"org", org}};
        }));
  return a;
}

}  // namespace aethex::actors
