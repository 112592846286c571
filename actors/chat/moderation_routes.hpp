// REST routes of community moderation (actors/chat/moderation_routes.cpp).
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

void add_moderation_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
