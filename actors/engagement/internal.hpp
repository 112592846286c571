// The engagement domain's own parts, for its module.cpp; other domains include engagement.hpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/core/module.hpp"
#include "runtime/principal.hpp"

namespace aethex::actors {

/// channels/{c}/points, rewards, redemptions, predictions and hype-train (docs/engagement.md).
void add_engagement_routes(route_table& routes, const node_env& env);

/// engagement/<channel> in the console: get (summary), tick (fires due timers).
console::adapter engagement_adapter();

/// Calls `done` with none when `who` holds one of `roles` ("broadcaster", "editor",
/// "moderator") in `channel` (the admin token is the broadcaster of every channel), else with
/// forbidden; not_found when the channel does not exist. Asks the channel's chat room.
void check_manager(const node_env& env, const runtime::principal& who, const std::string& channel,
                   std::vector<std::string> roles, std::function<void(caf::error)> done);

}  // namespace aethex::actors
