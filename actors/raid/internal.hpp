// The raid domain's own parts, for its module.cpp; other domains include raid.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/raid (start, go, cancel, status), raid-settings and raid-blocks.
void add_raid_routes(route_table& routes, const node_env& env);

/// raid/<channel> in the console: status, go, cancel, settings.
console::adapter raid_adapter();

}  // namespace aethex::actors
