// The bots domain's own parts, for its module.cpp; other domains include bot.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/bot (get, put), …/bot/commands/{name} (put, delete), …/bot/log.
void add_bot_routes(route_table& routes, const node_env& env);

/// bot/<channel> in the console: get, log, enable, disable, command, uncommand.
console::adapter bot_adapter();

}  // namespace aethex::actors
