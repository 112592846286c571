// The leaderboards domain (docs/esports.md): leaderboard/<game> (ratings or scores, windows,
// stats, badges, game keys), its read model (owners, badges), routes and console adapter. Its
// messages carry only built-in types.
#include "actors/chat/chat_badges.hpp"
#include "actors/leaderboards/internal.hpp"
#include "actors/leaderboards/leaderboards.hpp"

namespace aethex::actors {
namespace {

class leaderboards_domain final : public domain_module {
 public:
  std::string_view name() const override { return "leaderboards"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_leaderboard_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(make_leaderboards_projection());
  }

  void add_queries(read_query_table& queries) const override { add_leaderboard_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(leaderboard_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_leaderboard_routes(routes, env);
  }

  void start(node_env& env) const override {
    env.services->add(std::string{chat_badges_service}, spawn_chat_badge_service(env));
  }
};

}  // namespace

std::unique_ptr<domain_module> leaderboards_module() {
  return std::make_unique<leaderboards_domain>();
}

}  // namespace aethex::actors
