// The teams domain (docs/esports.md): team/<slug> (profile, roster, invites, roster locks), its
// routes, its console adapter, and the read model of each user's teams and invites. Asks
// user/<name> whether an invited user exists; tournaments lock rosters through teams.hpp. Its
// messages carry only built-in types.
#include "actors/teams/internal.hpp"
#include "actors/teams/teams.hpp"
#include "actors/teams/teams_projection.hpp"

namespace aethex::actors {
namespace {

class teams_domain final : public domain_module {
 public:
  std::string_view name() const override { return "teams"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_team_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<teams_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{teams_of_user_query}] = teams_of_user;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(team_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_team_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> teams_module() { return std::make_unique<teams_domain>(); }

}  // namespace aethex::actors
