// team/<slug> in the admin console: the team as its captain sees it (invites and locks
// included), for operators checking a roster a tournament locked.
#include <caf/all.hpp>

#include "actors/teams/internal.hpp"
#include "actors/teams/teams.hpp"

namespace aethex::actors {

using namespace console;

adapter team_adapter() {
  adapter a;
  a.kind = "team";
  a.summary = "a team: profile, roster, open invites, roster locks";
  a.show_query = "get";
  auto team = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The team with its roster, open invites and the tournaments locking it.",
        "ask team/liquid get", message_of_args(team_get_atom::value), team);
  a.ask("roster", {}, "The roster a tournament would lock: slug, captain, members.",
        "ask team/liquid roster", message_of_args(team_get_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          auto j = json::parse(text);
          auto members = json::array();
          for (auto& m : j.at("members"))
            members.push_back(m.at("user"));
          return json{{"slug", j.at("slug")}, {"captain", j.at("captain")}, {"members", members}};
        }));
  return a;
}

}  // namespace aethex::actors
