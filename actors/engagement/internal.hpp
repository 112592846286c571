// The engagement domain's own parts, for its module.cpp; other domains include engagement.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{c}/points, rewards, redemptions, predictions and hype-train (docs/engagement.md).
void add_engagement_routes(route_table& routes, const node_env& env);

/// engagement/<channel> in the console: get (summary), tick (fires due timers).
console::adapter engagement_adapter();

}  // namespace aethex::actors
