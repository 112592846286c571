// The tournaments domain (docs/esports.md): tournament/<id> (settings, entrants, reports,
// results, schedule, streams, prize pool; the bracket derived by bracket.hpp), its read model
// and ticker, routes and console adapter. Talks to team/<slug> (roster locks),
// leaderboard/<game> (results, achievements), the tournament's chat room, ledger/main (prizes)
// and the notify domain (reminders as notify.personal events).
#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournaments.hpp"

namespace aethex::actors {
namespace {

class tournaments_domain final : public domain_module {
 public:
  std::string_view name() const override { return "tournaments"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_tournament_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<tournaments_projection>());
  }

  void add_queries(read_query_table& queries) const override { add_tournament_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(tournament_adapter());
  }

  void start(node_env& env) const override {
    env.services->add("tournaments.ticker", spawn_tournament_ticker(*env.sys, env));
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_tournament_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> tournaments_module() {
  return std::make_unique<tournaments_domain>();
}

}  // namespace aethex::actors
