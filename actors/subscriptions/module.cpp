// The subscriptions domain: subscriptions/<channel> (tiers, subscribe, renew, cancel, gifts),
// the read model its renewer reads, routes and the console adapter (docs/monetization.md).
#include "actors/subscriptions/internal.hpp"
#include "actors/subscriptions/subscriptions.hpp"

namespace aethex::actors {
namespace {

using namespace std::chrono_literals;

class subscriptions_domain final : public domain_module {
 public:
  std::string_view name() const override { return "subscriptions"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_subscription_kinds(kinds, *env.store, *env.config, *env.clock);
  }
  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<subscriptions_projection>());
  }
  void add_queries(read_query_table& queries) const override { add_subscription_queries(queries); }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(subscriptions_adapter());
  }
  // Due renewals are found within a couple of seconds of their time (the read query is one
  // indexed range per member).
  void start(node_env& env) const override {
    env.services->add("subscriptions.renewer", spawn_subscription_renewer(env, 2s));
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_subscription_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> subscriptions_module() {
  return std::make_unique<subscriptions_domain>();
}

}  // namespace aethex::actors
