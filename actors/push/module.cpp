// The push domain (docs/mobile.md): the cluster's VAPID key pair (push/vapid), each user's push
// subscriptions (push_subs/<user>), their read model with the follows whose notifications are
// on, the node's sender of go-live pushes (told by the notify dispatcher) and the routes. Its
// messages carry only built-in types.
#include "actors/push/internal.hpp"
#include "actors/push/push.hpp"
#include "actors/push/push_projection.hpp"

namespace aethex::actors {
namespace {

class push_domain final : public domain_module {
 public:
  std::string_view name() const override { return "push"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_push_kinds(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<push_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{push_followers_query_name}] = push_followers_query;
    queries[std::string{push_subscriptions_query_name}] = push_subscriptions_query;
  }

  void start(node_env& env) const override {
    env.services->add(std::string{push_sender_service}, spawn_push_sender(*env.sys, env));
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_push_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> push_module() { return std::make_unique<push_domain>(); }

}  // namespace aethex::actors
