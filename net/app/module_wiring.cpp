#include "net/app/module_wiring.hpp"

namespace aethex::app {

runtime::entity_kinds module_kinds(const actors::module_list& modules, actors::node_env& env) {
  runtime::entity_kinds kinds;
  for (auto& module : modules)
    module->add_kinds(kinds, env);
  env.kinds.clear();
  for (auto& [kind, _] : kinds.factories)
    env.kinds.push_back(kind);
  return kinds;
}

actors::route_table start_modules(const actors::module_list& modules, actors::node_env& env) {
  auto adapters = std::make_shared<actors::console::adapter_table>();
  for (auto& module : modules)
    module->add_console(*adapters);
  env.console_adapters = adapters;
  for (auto& module : modules)
    module->start(env);
  actors::route_table routes;
  for (auto& module : modules)
    module->add_routes(routes, env);
  return routes;
}

}  // namespace aethex::app
