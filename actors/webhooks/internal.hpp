// The webhooks domain's own parts, for its module.cpp; other domains include catalogue.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// webhooks/catalogue and channels/{channel}/webhooks/** (docs/api.md, "Webhooks").
void add_webhooks_routes(route_table& routes, const node_env& env);

/// webhooks/<channel> in the console: list, deliveries, delete.
console::adapter webhooks_adapter();

}  // namespace aethex::actors
