// The console domain: the node's console service ("console" in the service directory, which the
// /ws/admin front end and other members use) and its REST route. What the console can do with
// each kind comes from the other modules' adapters.
#include "actors/console/console_service.hpp"
#include "actors/console/internal.hpp"

namespace aethex::actors {
namespace {

class console_domain final : public domain_module {
 public:
  std::string_view name() const override { return "console"; }

  void start(node_env& env) const override {
    console_config config;
    config.registry = env.registry;
    config.membership = env.membership;
    config.store = env.store;
    config.adapters = *env.console_adapters;
    config.kinds = env.kinds;
    config.node = {env.node_id, env.http_endpoint, env.started_at_ms};
    env.services->add(std::string{service_names::console}, spawn_console_service(*env.sys, config));
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_console_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> console_module() { return std::make_unique<console_domain>(); }

}  // namespace aethex::actors
