// The module hooks a node runs (actors/core/module.hpp gives the order), in two halves around
// the entity registry, which needs the kinds and which the rest needs.
#pragma once

#include "actors/core/module.hpp"
#include "runtime/entity_registry.hpp"

namespace aethex::app {

/// Every module's entity kinds; `env.kinds` lists their names afterwards.
runtime::entity_kinds module_kinds(const actors::module_list& modules, actors::node_env& env);

/// Once `env` has its registry, membership, query and read_models_changed: collects every
/// module's console adapters, starts the modules and returns their routes.
actors::route_table start_modules(const actors::module_list& modules, actors::node_env& env);

}  // namespace aethex::app
