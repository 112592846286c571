// The audio domain's pieces that module.cpp assembles.
#pragma once

#include "actors/core/module.hpp"
#include "actors/core/route.hpp"

namespace aethex::actors {

void add_audio_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
