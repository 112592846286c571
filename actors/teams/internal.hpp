// The teams domain's own parts, for its module.cpp; other domains include teams.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// teams (create), teams/{team} (get, patch), invites, members, captain, me/teams.
void add_team_routes(route_table& routes, const node_env& env);

/// team/<slug> in the console: get.
console::adapter team_adapter();

}  // namespace aethex::actors
