// The overlays domain's own parts, for its module.cpp; other domains include overlays.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/overlays…, overlays/{channel}/{kind} (routes.cpp).
void add_overlays_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
