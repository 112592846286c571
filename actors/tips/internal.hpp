// The tips domain's own parts, for its module.cpp; other domains include tips.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/tips…, …/campaign, …/gifts… (routes.cpp).
void add_tips_routes(route_table& routes, const node_env& env);

/// tips/<channel> in the console: settings, campaign, recent tips.
console::adapter tips_adapter();

}  // namespace aethex::actors
