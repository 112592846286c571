// The polls domain's own parts, for its module.cpp; other domains include polls.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/polls (start, archive), …/polls/current (get, vote, end).
void add_poll_routes(route_table& routes, const node_env& env);

/// poll/<channel> in the console: get and tick.
console::adapter poll_adapter();

}  // namespace aethex::actors
