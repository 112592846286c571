// The analytics domain: analytics/<channel> (watch heartbeats into minute events), the
// analytics read model (rollups of watching, chat, follows and sessions), the heartbeat and
// dashboard routes, and the console adapter. docs/analytics.md describes the model.
#include "actors/analytics/analytics.hpp"
#include "actors/analytics/analytics_read_model.hpp"
#include "actors/analytics/internal.hpp"

namespace aethex::actors {
namespace {

class analytics_domain final : public domain_module {
 public:
  std::string_view name() const override { return "analytics"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<watch_beat>("aethex::watch_beat");
    cfg.add_message_type<analytics_live_view>("aethex::analytics_live_view");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_analytics_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<analytics_projection>());
  }

  void add_queries(read_query_table& queries) const override { add_analytics_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(analytics_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_analytics_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> analytics_module() { return std::make_unique<analytics_domain>(); }

}  // namespace aethex::actors
