// The social domain: who follows which channel (follows/<user>), the follows read model, the
// follow routes, recommendations and the console adapter.
#include "actors/social/follows.hpp"
#include "actors/social/follows_projection.hpp"
#include "actors/social/internal.hpp"

namespace aethex::actors {
namespace {

class social_domain final : public domain_module {
 public:
  std::string_view name() const override { return "social"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<followed_channel>("aethex::followed_channel");
    cfg.add_message_type<std::vector<followed_channel>>("std::vector<aethex::followed_channel>");
    cfg.add_message_type<follows_view>("aethex::follows_view");
    cfg.add_message_type<follow_prefs>("aethex::follow_prefs");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_follows_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<follows_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries["social.followers"] = followers_query;
    queries["social.co_follows"] = co_follows_query;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(follows_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_social_routes(routes, env);
    add_recommendation_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> social_module() { return std::make_unique<social_domain>(); }

}  // namespace aethex::actors
